// The consistency page's box plots: one per violation and tier, drawn from the JSON beside each chart's element.
// The page's tables carry the same numbers, so nothing is lost without JavaScript (or without ECharts).
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") return;
  document.querySelectorAll("[data-boxplot]").forEach((element) => {
    const source = document.getElementById(element.dataset.boxplot);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const escape = window.echarts.format.encodeHTML;  // case titles go into the tooltip's HTML
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "item" },
      grid: { left: 80, right: 20, bottom: 60, top: 30 },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 4 ? 20 : 0 } },
      yAxis: { type: "value", name: "元", scale: true },
      series: [
        { name: "罚款", type: "boxplot", data: data.boxes,
          tooltip: { formatter: (p) => {
            const v = p.value.length === 6 ? p.value.slice(1) : p.value;
            return [escape(p.name), "下须 " + v[0], "Q1 " + v[1], "中位数 " + v[2], "Q3 " + v[3], "上须 " + v[4]].join("<br>");
          } } },
        { name: "明显偏离", type: "scatter", data: data.points.map((p) => [p[0], p[1]]),
          tooltip: { formatter: (p) => escape(data.points[p.dataIndex][2]) + "：" + p.value[1] + " 元" } },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  });
})();
