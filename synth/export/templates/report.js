(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll("ol.evidence > li"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".source-group"));
  var shown = document.getElementById("shown");
  var texts = items.map(function (li) { return li.textContent.toLowerCase(); });
  var fields = ["persona", "stage", "kind", "touchpoint", "source"];

  function has(list, value) { return (" " + list + " ").indexOf(" " + value + " ") >= 0; }

  function keep(li, text, f) {
    var d = li.dataset;
    if (f.persona && d.persona !== f.persona) { return false; }
    if (f.stage && d.stage !== f.stage) { return false; }
    if (f.kind && !has(d.kinds, f.kind)) { return false; }
    if (f.touchpoint && !has(d.touchpoints, f.touchpoint)) { return false; }
    if (f.source && d.source !== f.source) { return false; }
    return !f.q || text.indexOf(f.q) >= 0;
  }

  function apply() {
    var f = { q: form.elements.q.value.trim().toLowerCase() };
    fields.forEach(function (name) { f[name] = form.elements[name].value; });
    var n = 0;
    items.forEach(function (li, i) {
      var ok = keep(li, texts[i], f);
      li.hidden = !ok;
      if (ok) { n += 1; }
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector("ol.evidence > li:not([hidden])"); });
    shown.textContent = String(n);
  }

  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.hidden) { form.reset(); apply(); target.scrollIntoView(); }
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  window.addEventListener("hashchange", reveal);
  form.hidden = false;
  apply();
})();
