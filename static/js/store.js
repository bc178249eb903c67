// Small improvements on pages that work without JavaScript.
(function () {
  "use strict";

  // A form marked data-submit-once disables its buttons once sent, so a
  // double click sends one request. (The server is idempotent anyway.)
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
          if (button.dataset.busyLabel) {
            button.textContent = button.dataset.busyLabel;
          }
        });
      }, 0);
    });
  });

  // A select marked data-autosubmit (the catalog's sort) applies at once.
  // Its form's own button is then only needed without script: hide it.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.hidden = true;
    });
    select.addEventListener("change", function () {
      if (select.form.requestSubmit) {
        select.form.requestSubmit();
      } else {
        select.form.submit();
      }
    });
  });

  // A GET form marked data-drop-empty leaves its empty fields out of the
  // URL, so a shared link carries only the filters in use.
  document.querySelectorAll("form[data-drop-empty]").forEach(function (form) {
    form.addEventListener("formdata", function (event) {
      var empty = [];
      event.formData.forEach(function (value, name) {
        if (value === "") {
          empty.push(name);
        }
      });
      empty.forEach(function (name) {
        event.formData.delete(name);
      });
    });
  });

  // Bring a form's error summary into view and focus for screen readers.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // The account menu (a <details>) closes on Escape or a click elsewhere.
  var menus = document.querySelectorAll("details.account-menu");
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    menus.forEach(function (menu) {
      if (menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });

  // A destructive action asks first. Without script its button leads to a
  // confirmation page; with it, the same question opens in a <dialog> here
  // ("no" closes it: formmethod=dialog; Escape too).
  document.querySelectorAll("form[data-confirm]").forEach(function (trigger) {
    var dialog = document.getElementById(trigger.dataset.confirm);
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    trigger.addEventListener("submit", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
  });

  // The product gallery: a thumbnail shows its image large in place (without
  // script it is a link to ?image=<id>, and the page comes back with it).
  document.querySelectorAll(".gallery-thumbs").forEach(function (list) {
    var large = document.querySelector(".gallery-large");
    if (!large) return;
    list.addEventListener("click", function (event) {
      var link = event.target.closest("a.gallery-thumb");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      var data = link.dataset;
      large.removeAttribute("srcset");
      if (data.gallerySrcset) large.setAttribute("srcset", data.gallerySrcset);
      large.src = data.galleryFull;
      large.alt = data.galleryAlt;
      large.width = data.galleryWidth;
      large.height = data.galleryHeight;
      list.querySelectorAll("a.gallery-thumb").forEach(function (other) {
        other.removeAttribute("aria-current");
      });
      link.setAttribute("aria-current", "true");
      history.replaceState(null, "", link.href);
    });
  });

  // The product page's variant picker: as the shopper chooses, the price and
  // availability of the chosen combination are shown, and a sold-out one
  // cannot be added (the server refuses it anyway).
  document.querySelectorAll("[data-variant-picker]").forEach(function (picker) {
    var variants = JSON.parse(picker.dataset.variants || "[]");
    var form = picker.closest("form");
    var status = picker.querySelector("[data-variant-status]");
    var price = document.querySelector(".product-detail-info [data-testid=price]");
    var button = form && form.querySelector("button[type=submit]");
    var groups = picker.querySelectorAll(".option-group");
    function chosen() {
      var values = [];
      for (var i = 0; i < groups.length; i++) {
        var checked = groups[i].querySelector("input:checked");
        if (!checked) { return null; }
        values.push(checked.value);
      }
      return values;
    }
    function update() {
      var values = chosen();
      var match = values && variants.filter(function (v) {
        return v.values.join("\u001f") === values.join("\u001f");
      })[0];
      status.hidden = false;
      if (!match) {
        status.textContent = values ? "This combination is not sold." : "Choose an option in each group.";
        if (button) { button.disabled = Boolean(values); }
        return;
      }
      if (price) { price.textContent = match.price; }
      var large = document.querySelector(".gallery-large");
      if (large && match.image) {
        large.removeAttribute("srcset");
        large.src = match.image;
      }
      status.textContent = match.label + ": " + match.stock + ".";
      status.className = "variant-status stock-" + match.level;
      if (button) { button.disabled = match.level === "out"; }
    }
    picker.addEventListener("change", update);
    update();
  });
})();
