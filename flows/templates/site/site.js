// chitieu fact browser: table filter boxes and charts. Plain JavaScript, no network.
(function () {
  "use strict";

  // Lowercase, without tone marks: "lang son" finds "Lạng Sơn".
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function applyFilter(box) {
    var table = document.getElementById(box.dataset.filter);
    if (!table || !table.tBodies.length) { return; }
    var words = fold(box.value).split(/\s+/).filter(Boolean);
    var rows = table.tBodies[0].rows, shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      if (row.chitieuText === undefined) { row.chitieuText = fold(row.textContent); }
      var keep = words.every(function (w) { return row.chitieuText.indexOf(w) >= 0; });
      row.hidden = !keep;
      if (keep) { shown++; }
    }
    var count = document.querySelector('[data-shown="' + box.dataset.filter + '"]');
    if (count) {
      count.textContent = words.length ? shown + " / " + rows.length + " dòng" : rows.length + " dòng";
    }
  }

  // A filter given in the address (?q=... or #q=...) applies to every table of the page.
  function filterFromAddress() {
    var q = new URLSearchParams(window.location.search).get("q");
    var hash = window.location.hash.match(/^#q=(.*)$/);
    if (hash) { q = decodeURIComponent(hash[1].replace(/\+/g, " ")); }
    return q;
  }

  var boxes = document.querySelectorAll("input[data-filter]");
  var initial = filterFromAddress();
  boxes.forEach(function (box) {
    if (initial) { box.value = initial; }
    box.addEventListener("input", function () { applyFilter(box); });
    applyFilter(box);
  });
  if (initial && boxes.length) { document.body.dataset.filtered = initial; }

  // Numbers on chart axes and tooltips the Vietnamese way: 51.990,6.
  var viLocale = { decimal: ",", thousands: ".", grouping: [3], currency: ["", " đ"] };

  window.chitieuChart = function (elementId, specId) {
    var spec = JSON.parse(document.getElementById(specId).textContent);
    if (typeof vegaEmbed !== "function") { return; }
    vegaEmbed("#" + elementId, spec, { actions: false, renderer: "svg", formatLocale: viLocale })
      .then(function () { document.getElementById(elementId).dataset.rendered = "true"; })
      .catch(function (err) { document.getElementById(elementId).textContent = String(err); });
  };
})();
