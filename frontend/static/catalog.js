// Sheber catalog: progressive enhancement of the /catalog form, which works without it.
// - Search as you type: the search field becomes an ARIA combobox fed by /api/v1/suggest.
// - Filters, sorting and pages load in place: the same page URL is fetched and its results
//   region (and the filters, whose counts change) swapped in; history keeps every step.
(function () {
  "use strict";

  var form = document.getElementById("catalog-form");
  var input = document.getElementById("catalog-q");
  var list = document.getElementById("catalog-suggestions");
  if (!form || !input || !list || !window.fetch || !window.history.pushState) {
    return;
  }
  var lang = document.documentElement.lang || "ru";
  var SUGGEST_DELAY_MS = 150;
  var MIN_PREFIX = 2;

  // A polite status line announces suggestions and result counts to screen readers.
  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.appendChild(status);

  function textIn(t) {
    if (!t) return "";
    return t[lang] || t.ru || t.kk || t.en || "";
  }

  // ---- Combobox -------------------------------------------------------------------------
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  var items = [];     // the suggestions shown
  var active = -1;    // index of the highlighted one
  var timer = 0;
  var seq = 0;        // answers to older keystrokes are dropped

  function close() {
    list.hidden = true;
    list.textContent = "";
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(i) {
    var options = list.children;
    for (var k = 0; k < options.length; k++) {
      options[k].setAttribute("aria-selected", k === i ? "true" : "false");
    }
    active = i;
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", options[i].id);
      if (options[i].scrollIntoView) options[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(suggestions) {
    list.textContent = "";
    items = suggestions;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!items.length) {
      close();
      return;
    }
    items.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "catalog-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = textIn(s.text);
      if (s.kind === "category") {
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = " — " + (list.getAttribute("data-category-label") || "");
        li.appendChild(kind);
      }
      // mousedown, not click: it comes before the field loses focus.
      li.addEventListener("mousedown", function (e) {
        e.preventDefault();
        choose(i);
      });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent = list.getAttribute("data-count-label").replace("%d", String(items.length));
  }

  function choose(i) {
    var s = items[i];
    if (!s) return;
    close();
    if (s.kind === "listing" && s.listing_id) {
      window.location.assign("/catalog/" + encodeURIComponent(s.listing_id));
      return;
    }
    if (s.kind === "category" && s.category) {
      input.value = "";
      var select = form.elements.namedItem("category");
      if (select) select.value = s.category;
      load(formURL(), true);
    }
  }

  function suggest() {
    var prefix = input.value.trim();
    var mine = ++seq;
    if (prefix.length < MIN_PREFIX) {
      close();
      return;
    }
    fetch("/api/v1/suggest?q=" + encodeURIComponent(prefix), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) {
        if (mine === seq && document.activeElement === input) show(body.items || []);
      })
      .catch(function () { /* suggestions are a convenience: the form still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, SUGGEST_DELAY_MS);
  });
  input.addEventListener("keydown", function (e) {
    var open = !list.hidden && items.length > 0;
    switch (e.key) {
      case "ArrowDown":
        if (!open) { suggest(); return; }
        e.preventDefault();
        highlight(active + 1 >= items.length ? 0 : active + 1);
        break;
      case "ArrowUp":
        if (!open) return;
        e.preventDefault();
        highlight(active - 1 < 0 ? items.length - 1 : active - 1);
        break;
      case "Enter":
        if (open && active >= 0) {
          e.preventDefault();
          choose(active);
        } else {
          close();
        }
        break;
      case "Escape":
        if (open) {
          e.preventDefault();
          close();
        }
        break;
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 0); });

  // ---- Results in place -----------------------------------------------------------------
  var loading = 0;

  function formURL() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "") params.append(name, value);
    });
    var q = params.toString();
    return "/catalog" + (q ? "?" + q : "");
  }

  // swap replaces the element with id in the page by its namesake in doc, keeping focus
  // on the control that had it.
  function swap(doc, id) {
    var fresh = doc.getElementById(id), old = document.getElementById(id);
    if (!fresh || !old) return false;
    var focused = document.activeElement && document.activeElement.id;
    old.replaceWith(fresh);
    if (focused && fresh.contains(document.getElementById(focused))) {
      document.getElementById(focused).focus();
    }
    return true;
  }

  function load(url, push, focusResults) {
    var mine = ++loading;
    var results = document.getElementById("results");
    if (results) results.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (r) {
        return r.text().then(function (html) { return { ok: r.ok, html: html }; });
      })
      .then(function (res) {
        if (mine !== loading) return;
        var doc = new DOMParser().parseFromString(res.html, "text/html");
        if (!swap(doc, "results")) {
          window.location.assign(url); // not a catalog page (an error): show it whole
          return;
        }
        var grid = document.querySelector("#catalog-filters .filter-grid");
        var freshGrid = doc.querySelector("#catalog-filters .filter-grid");
        if (grid && freshGrid) {
          var focused = document.activeElement && document.activeElement.id;
          grid.replaceWith(freshGrid);
          if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
        }
        var freshQ = doc.getElementById("catalog-q");
        if (freshQ && document.activeElement !== input) input.value = freshQ.value;
        if (doc.title) document.title = doc.title;
        if (push) window.history.pushState({ catalog: true }, "", url);
        var count = document.querySelector("#results .results-count");
        if (count) {
          status.textContent = count.textContent;
          if (focusResults) {
            count.setAttribute("tabindex", "-1");
            count.focus();
          }
        }
      })
      .catch(function () { window.location.assign(url); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    close();
    load(formURL(), true, true);
  });
  form.addEventListener("change", function (e) {
    if (e.target === input) return; // the text is searched on submit
    load(formURL(), true);
  });
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("#results .pagination a");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    load(a.getAttribute("href"), true, true);
  });
  window.history.replaceState({ catalog: true }, "", window.location.href);
  window.addEventListener("popstate", function (e) {
    if (e.state && e.state.catalog) load(window.location.pathname + window.location.search, false);
  });
})();
