// Package catalog is the domain of what producers list: products, the category tree,
// producers' listings, image metadata and the search interface. It depends on accounts
// only; its stores and search engines are adapters under storage/.
//
// The catalog itself arrives with the catalog issue; this package exists now so that the
// import rules of DESIGN.md are checked from the first commit.
package catalog
