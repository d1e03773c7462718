// icsat's small behaviours; every page works without them, only less conveniently.
(function () {
  "use strict";

  // A submit button is pressed once: a double click must not send the form twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
      b.setAttribute("aria-disabled", "true");
      b.classList.add("disabled");
    });
  });

  // A select that sends its form when an option is picked with the mouse. From the keyboard,
  // the arrow keys only move through the options (else each one would reload the page: going
  // from English down to Norsk would land in Español first); Enter or the button sends it.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var keyed = false;
    select.addEventListener("keydown", function (event) {
      keyed = true;
      if (event.key === "Enter") { event.preventDefault(); select.form.requestSubmit(); }
    });
    select.addEventListener("pointerdown", function () { keyed = false; });
    select.addEventListener("change", function () { if (!keyed) { select.form.requestSubmit(); } });
  });

  // Combobox: type a name, arrow through the matches, Enter picks one.
  document.querySelectorAll("[data-person-picker]").forEach(function (picker) {
    var input = picker.querySelector("input[type=search]");
    var hidden = picker.querySelector("input[type=hidden]");
    var list = picker.querySelector("[role=listbox]");
    var chosen = picker.querySelector("[data-chosen]");
    var url = picker.dataset.url;
    var timer = null;
    var active = -1;

    function options() { return Array.prototype.slice.call(list.querySelectorAll("[role=option]")); }
    function highlight(index) {
      var opts = options();
      opts.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (opts[index]) {
        input.setAttribute("aria-activedescendant", opts[index].id);
        opts[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function choose(option) {
      hidden.value = option.dataset.value;
      chosen.textContent = option.dataset.label;
      chosen.parentElement.hidden = false;
      input.value = "";
      list.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
    }
    function search() {
      fetch(url + "?q=" + encodeURIComponent(input.value), { headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          list.innerHTML = html;
          input.setAttribute("aria-expanded", options().length ? "true" : "false");
          highlight(options().length ? 0 : -1);
        });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 200); });
    input.addEventListener("keydown", function (event) {
      var opts = options();
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, opts.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter") { if (opts[active]) { event.preventDefault(); choose(opts[active]); } }
      else if (event.key === "Escape") { list.innerHTML = ""; input.setAttribute("aria-expanded", "false"); }
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { choose(option); input.focus(); }
    });
  });
})();
