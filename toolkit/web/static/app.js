// The web page's little script: uploads by drag and drop, the live 销控表, no build step.
"use strict";
(function () {
  const DOCS = { subscription: "认购书", contract: "买卖合同" };
  const csrf = (document.querySelector("meta[name=csrf]") || {}).content || "";

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    if (cls) td.className = cls;
    return td;
  }

  async function upload(file, tbody) {
    const row = document.createElement("tr");
    const outcome = cell("检查中…", "");
    row.append(cell(file.name), outcome, cell(""), cell(""), cell(""), cell(""));
    tbody.prepend(row);
    const body = new FormData();
    body.append("file", file);
    let data;
    try {
      const r = await fetch("/api/files", { method: "POST", body, headers: { "X-CSRF-Token": csrf } });
      data = await r.json();
      if (!r.ok) data = { outcome: "rejected", outcome_name: data.error || "失败", findings: data.findings || [] };
    } catch (e) {
      data = { outcome: "rejected", outcome_name: "网络错误", findings: [] };
    }
    outcome.textContent = "";
    const pill = document.createElement(data.id ? "a" : "span");
    pill.className = "pill " + data.outcome;
    pill.textContent = data.outcome_name || data.outcome;
    if (data.id) pill.href = "/files/" + data.id;
    outcome.append(pill);
    row.dataset.outcome = data.outcome;
    row.children[2].textContent = DOCS[data.document] || data.document || "—";
    row.children[3].textContent = data.deal_no || "—";
    row.children[4].textContent = data.unit || "—";
    const found = row.children[5];
    found.className = "small";
    (data.findings || []).slice(0, 3).forEach(function (f) {
      const div = document.createElement("div");
      const code = document.createElement("code");
      code.textContent = f.rule;
      div.append(code, " " + (f.message || "").slice(0, 80));
      found.append(div);
    });
  }

  function uploads() {
    const drop = document.getElementById("drop");
    if (!drop) return;
    const input = document.getElementById("files");
    const tbody = document.querySelector("#results tbody");
    const send = async function (files) {
      for (const f of Array.from(files)) await upload(f, tbody);
    };
    input.addEventListener("change", function () { send(input.files); input.value = ""; });
    ["dragenter", "dragover"].forEach(function (e) {
      drop.addEventListener(e, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (e) {
      drop.addEventListener(e, function (ev) { ev.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (ev) { send(ev.dataTransfer.files); });
  }

  function board() {
    const el = document.getElementById("board");
    if (!el) return;
    const colours = JSON.parse(el.dataset.colours);
    const stamp = document.getElementById("board-time");
    async function poll() {
      try {
        const r = await fetch("/api/units?since=" + el.dataset.version, { headers: { Accept: "application/json" } });
        const data = await r.json();
        if (data.changed) {
          el.dataset.version = data.version;
          Object.entries(data.units).forEach(function ([code, u]) {
            const a = el.querySelector('[data-code="' + CSS.escape(code) + '"]');
            if (!a) return;
            if (a.dataset.status !== u.status) {
              a.dataset.status = u.status;
              a.style.background = colours[u.status] || "#fff";
              a.classList.remove("flash"); void a.offsetWidth; a.classList.add("flash");
            }
            a.classList.toggle("pending", !!u.pending);
            a.classList.toggle("reprice", !!u.needs_pricing);
            a.title = code + " " + u.status + (u.deal_no ? " " + u.deal_no : "");
          });
        }
        stamp.textContent = "已同步 " + new Date().toLocaleTimeString("zh-CN");
      } catch (e) {
        stamp.textContent = "连接中断，重试中…";
      }
      setTimeout(poll, Number(el.dataset.poll) || 3000);
    }
    setTimeout(poll, Number(el.dataset.poll) || 3000);
  }

  document.querySelectorAll("[data-back]").forEach(function (a) {
    a.addEventListener("click", function (ev) { ev.preventDefault(); history.back(); });
  });
  function payment() {
    const method = document.querySelector("select[name=payment_method]");
    if (!method) return;
    const show = function () {
      const once = method.value === "一次性付款";
      ["down_payment_pct", "lender"].forEach(function (n) {
        document.querySelector("[name=" + n + "]").closest(".field").classList.toggle("hidden", once);
      });
      document.querySelector("[name=due_date]").closest(".field").classList.toggle("hidden", !once);
    };
    method.addEventListener("change", show);
    show();
  }

  uploads();
  board();
  payment();
})();
