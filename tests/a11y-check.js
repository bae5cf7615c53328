/* a11y-check.js - appended (as a <script>) to a copy of a report or passport
   by tests/html-check.sh and run in headless Chromium at 390 px wide. It
   writes what it finds into a pre element (id a11y-result): one "FAIL ..." line per
   problem, then "checked N". Checks: every chart (svg role=img) has an
   accessible name; every table has a caption and scope on its headers; text
   contrast of at least 4.5:1 (HTML text on its background, SVG text on the
   shape under it); no text under 10 px as drawn; the expected-step marker
   differs by shape (a dash pattern), not by colour alone. */
(function () {
	var out = [], checked = 0;
	function fail(msg) { out.push("FAIL " + msg); }
	function rgb(s) {
		var m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(s || "");
		if (!m) return null;
		return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
	}
	function lum(c) {
		var v = c.slice(0, 3).map(function (x) {
			x /= 255;
			return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
		});
		return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
	}
	function ratio(a, b) {
		var x = lum(a), y = lum(b);
		return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
	}
	function htmlBg(el) {
		for (; el && el.nodeType === 1; el = el.parentElement) {
			var c = rgb(getComputedStyle(el).backgroundColor);
			if (c && c[3] > 0) return c;
		}
		return [255, 255, 255, 1];
	}
	function short(el) { return (el.textContent || "").trim().slice(0, 40); }
	/* charts */
	document.querySelectorAll("svg").forEach(function (svg) {
		checked++;
		var name = svg.getAttribute("aria-label");
		var by = svg.getAttribute("aria-labelledby");
		if (by && document.getElementById(by)) name = document.getElementById(by).textContent;
		var t = svg.querySelector(":scope > title");
		if (!name && t) name = t.textContent;
		if (svg.getAttribute("role") !== "img") fail("svg without role=img: " + short(svg));
		if (!name || !name.trim()) fail("svg without an accessible name: " + short(svg));
	});
	/* tables */
	document.querySelectorAll("table").forEach(function (tb) {
		checked++;
		var cap = tb.querySelector("caption");
		if (!cap || !cap.textContent.trim()) fail("table without a caption: " + short(tb));
		tb.querySelectorAll("th").forEach(function (th) {
			if (!th.getAttribute("scope")) fail("th without scope: " + short(th));
		});
	});
	/* contrast and size of HTML text */
	var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (var n = walker.nextNode(); n; n = walker.nextNode()) {
		var el = n.parentElement;
		if (!n.textContent.trim() || !el || el.closest("svg") || el.closest("script,style,title,pre#a11y-result"))
			continue;
		var st = getComputedStyle(el);
		if (st.display === "none" || st.visibility === "hidden" || el.closest(".sr")) continue;
		checked++;
		var fg = rgb(st.color), bg = htmlBg(el);
		if (fg && ratio(fg, bg) < 4.5)
			fail("contrast " + ratio(fg, bg).toFixed(2) + ":1 for '" + n.textContent.trim().slice(0, 30) + "'");
		if (parseFloat(st.fontSize) < 10)
			fail("text of " + st.fontSize + ": '" + n.textContent.trim().slice(0, 30) + "'");
	}
	/* SVG text: the fill on the shape under it, and its drawn size */
	document.querySelectorAll("svg text").forEach(function (tx) {
		checked++;
		var st = getComputedStyle(tx), fg = rgb(st.fill), bb = tx.getBBox();
		var cx = bb.x + bb.width / 2, cy = bb.y + bb.height / 2, bg = null;
		for (var s = tx.previousElementSibling; s && !bg; s = s.previousElementSibling) {
			if (s.tagName !== "rect") continue;
			var x = +s.getAttribute("x"), y = +s.getAttribute("y");
			var w = +s.getAttribute("width"), h = +s.getAttribute("height");
			var f = rgb(getComputedStyle(s).fill);
			if (f && f[3] > 0 && cx >= x && cx <= x + w && cy >= y && cy <= y + h) bg = f;
		}
		bg = bg || htmlBg(tx.closest("svg"));
		if (fg && ratio(fg, bg) < 4.5)
			fail("svg contrast " + ratio(fg, bg).toFixed(2) + ":1 for '" + tx.textContent + "'");
		var m = tx.getScreenCTM(), px = parseFloat(st.fontSize) * (m ? Math.abs(m.a) : 1);
		if (px < 10) fail("svg text drawn at " + px.toFixed(1) + "px: '" + tx.textContent + "'");
	});
	/* the expected-step marker: a dash pattern, not colour alone */
	document.querySelectorAll("rect.expected").forEach(function (r) {
		checked++;
		if (!r.getAttribute("stroke-dasharray")) fail("expected-step marker told by colour only");
	});
	var pre = document.createElement("pre");
	pre.id = "a11y-result";
	pre.textContent = out.join("\n") + (out.length ? "\n" : "") + "checked " + checked + "\n";
	document.body.appendChild(pre);
})();
