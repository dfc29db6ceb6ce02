// Package wages is the domain of pseudonymous workers, timesheets, wage rates, payroll and
// deductions (victim compensation first among the claims). It depends on orders and
// accounts only.
//
// Payroll arrives with a later issue; this package exists now so that the import rules of
// DESIGN.md are checked from the first commit.
package wages
