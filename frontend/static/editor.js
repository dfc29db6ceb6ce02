// Sheber listing editor: progressive enhancement of the media forms, which work without it.
// - Uploads go to the API through XMLHttpRequest, so that a real <progress> bar follows
//   upload.onprogress; the section is then reloaded in place from the editor's own page.
// - Moving an image up or down calls the API's order endpoint and moves the item in the
//   page, keeping the keyboard focus on the button that was pressed.
(function () {
  "use strict";

  if (!window.FormData || !window.fetch || !window.XMLHttpRequest) {
    return;
  }

  function csrf(form) {
    var field = form.querySelector('input[name="_csrf"]');
    return field ? field.value : "";
  }

  // errorText picks the problem out of the API's error envelope.
  function errorText(body, fallback) {
    try {
      var e = JSON.parse(body).error;
      if (e.fields) {
        for (var k in e.fields) {
          if (Object.prototype.hasOwnProperty.call(e.fields, k)) return e.fields[k];
        }
      }
      return e.message || fallback;
    } catch (err) {
      return fallback;
    }
  }

  // reloadSection replaces the section with id by its fresh copy from the editor page and
  // puts message into its status line.
  function reloadSection(id, message) {
    return fetch(window.location.pathname, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById(id), old = document.getElementById(id);
        if (!fresh || !old) {
          window.location.reload();
          return;
        }
        old.replaceWith(fresh);
        var status = fresh.querySelector(".upload-status");
        if (status) status.textContent = message;
        // The finished bar stays in view until the next upload.
        var box = fresh.querySelector(".upload-progress");
        if (box) {
          box.querySelector("progress").value = 100;
          box.hidden = false;
        }
        var input = fresh.querySelector('input[type="file"]');
        if (input) input.focus();
      });
  }

  function upload(form) {
    var input = form.querySelector('input[type="file"]');
    var box = form.querySelector(".upload-progress");
    var bar = box && box.querySelector("progress");
    var status = form.querySelector(".upload-status");
    var button = form.querySelector('button[type="submit"]');
    var data = new FormData(form);
    data.delete("_csrf"); // the API takes the token in its header

    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("data-api"));
    xhr.setRequestHeader("X-CSRF-Token", csrf(form));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable && bar) bar.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.onload = function () {
      button.disabled = false;
      if (xhr.status === 201) {
        if (bar) bar.value = 100;
        reloadSection(form.getAttribute("data-section"), status.getAttribute("data-done"));
        return;
      }
      if (box) box.hidden = true;
      input.setAttribute("aria-invalid", "true");
      status.textContent = errorText(xhr.responseText, status.getAttribute("data-failed"));
    };
    xhr.onerror = function () {
      button.disabled = false;
      if (box) box.hidden = true;
      status.textContent = status.getAttribute("data-failed");
    };
    if (bar) bar.value = 0;
    if (box) box.hidden = false;
    status.textContent = "";
    input.removeAttribute("aria-invalid");
    button.disabled = true;
    xhr.send(data);
  }

  // renumber refreshes the move buttons' state and the images' numbers after a move.
  function renumber(list) {
    var items = list.querySelectorAll(".image-item");
    for (var i = 0; i < items.length; i++) {
      items[i].querySelector(".move-up").disabled = i === 0;
      items[i].querySelector(".move-down").disabled = i === items.length - 1;
      var numbers = items[i].querySelectorAll(".image-no");
      for (var k = 0; k < numbers.length; k++) numbers[k].textContent = String(i + 1);
    }
  }

  function move(form, button) {
    var item = form.closest(".image-item");
    var list = item && item.parentNode;
    var up = button.value === "up";
    var other = up ? item.previousElementSibling : item.nextElementSibling;
    if (!other) return;
    var ids = [];
    var items = list.querySelectorAll(".image-item");
    for (var i = 0; i < items.length; i++) ids.push(Number(items[i].getAttribute("data-image-id")));
    var at = ids.indexOf(Number(item.getAttribute("data-image-id")));
    var to = up ? at - 1 : at + 1;
    ids[at] = ids[to];
    ids[to] = Number(item.getAttribute("data-image-id"));
    fetch(list.getAttribute("data-order-api"), {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf(form) },
      body: JSON.stringify({ image_ids: ids })
    }).then(function (r) {
      if (!r.ok) throw new Error("reorder: " + r.status);
      if (up) list.insertBefore(item, other);
      else list.insertBefore(other, item);
      renumber(list);
      var target = button.disabled ? item.querySelector(up ? ".move-down" : ".move-up") : button;
      target.focus();
    }).catch(function () {
      // The page route does the same without JavaScript; submit() sends no button value.
      var dir = document.createElement("input");
      dir.type = "hidden";
      dir.name = "dir";
      dir.value = button.value;
      form.appendChild(dir);
      form.submit();
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.classList.contains("upload-form")) {
      var input = form.querySelector('input[type="file"]');
      if (!input || !input.files || input.files.length === 0) return; // let the server say so
      e.preventDefault();
      upload(form);
    } else if (form.classList.contains("move-form") && e.submitter) {
      e.preventDefault();
      move(form, e.submitter);
    }
  });
})();
