"""`loupan pack test`: render the pack's samples and compare every clause with its stored baseline."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit import yamlio
from toolkit.authoring.clause_text import clause_texts
from toolkit.errors import PackError
from toolkit.findings import Finding
from toolkit.rules import finding
from toolkit.textdiff import redline, show


@dataclass
class BaselineResult:
    """What `pack test` found: differences, and the baselines written with --update."""

    findings: list[Finding] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    compared: int = 0


def test_pack(pack_dir: Path, *, update: bool = False, render=None) -> BaselineResult:
    """Render the samples of pack.yaml and compare (or, with update, store) each clause's text."""
    samples = _samples(pack_dir)
    result = BaselineResult()
    with tempfile.TemporaryDirectory(prefix="loupan-pack-test-") as tmp:
        rendered = render(pack_dir, samples, Path(tmp))
        for sample, findings in rendered.pop("_findings", {}).items():
            result.findings += [
                finding(
                    "pack.roundtrip",
                    f"样例 {sample}：生成的文件读回时未通过检查：{f.rule} {f.location}：{f.message}",
                    document=f.document,
                    location=f.location,
                )
                for f in findings
            ]
        for sample, docs in rendered.items():
            for doc_id, path in docs.items():
                _compare(pack_dir / "baselines" / sample / f"{doc_id}.yaml", clause_texts(path), doc_id, update, result)
    return result


def _samples(pack_dir: Path) -> dict:
    data = yamlio.read_file(pack_dir / "pack.yaml", PackError) or {}
    samples = data.get("samples")
    if not samples or "project" not in samples:
        raise PackError(
            path=pack_dir / "pack.yaml", field="samples", expected="样例项目及其交易（samples.project、samples.deals）"
        )
    return samples


def _compare(baseline: Path, texts: dict[str, str], doc_id: str, update: bool, result: BaselineResult) -> None:
    if update:
        baseline.parent.mkdir(parents=True, exist_ok=True)
        baseline.write_text(_dump(texts), encoding="utf-8")
        result.written.append(baseline)
        return
    if not baseline.is_file():
        result.findings.append(
            finding(
                "pack.baseline",
                f"没有基准文件 {baseline}：审阅后运行 `loupan pack test --update` 生成",
                document=str(baseline),
            )
        )
        return
    stored = yamlio.load_yaml(baseline.read_text(encoding="utf-8")) or {}
    result.compared += len(stored)
    for clause in dict.fromkeys([*stored, *texts]):
        old, new = stored.get(clause), texts.get(clause)
        if old != new:
            what = "新增" if old is None else "删除" if new is None else "修改"
            result.findings.append(
                finding(
                    "pack.baseline",
                    f"{doc_id} {clause} {what}：{show(redline(old or '', new or ''))}",
                    document=str(baseline),
                    location=clause,
                    expected=old or "",
                    found=new or "",
                    extra={"redline": redline(old or "", new or "")},
                )
            )


def _dump(texts: dict[str, str]) -> str:
    import yaml

    return yaml.safe_dump(texts, allow_unicode=True, sort_keys=False, width=1000)
