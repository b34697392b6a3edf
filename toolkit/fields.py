"""Fields: reading an input file's one at a time (each bad one named with its file and field), and their names.

A printed field is named to a reader by its Chinese label (付款方式), never by its path (`deal.payment_method`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from toolkit.errors import ProjectError

# The fields a document prints (a pack's context.yaml, `deal` kind), by path; a list's rows by the list's path.
LABELS = {
    "change.carried_over": "结转金额",
    "change.deposit_outcome": "定金处理结果",
    "change.difference": "房款差额",
    "change.forfeited": "不予退还的金额",
    "change.interest": "利息",
    "change.new_total": "变更后成交总价",
    "change.refund": "应退还款项",
    "change.refund_total": "应退还金额合计（含利息）",
    "deal.deposit": "定金",
    "deal.down_payment": "首期房价款",
    "deal.down_payment_pct": "首付款比例",
    "deal.lender": "贷款机构",
    "deal.list_total": "标价总价",
    "deal.loan_amount": "贷款金额",
    "deal.payment_method": "付款方式",
    "deal.pricing_basis": "计价方式",
    "deal.salesperson": "置业顾问",
    "deal.sign_deadline": "签约期限",
    "deal.subscribe_date": "认购日期",
    "deal.total": "成交总价",
    "deal.unit_price": "成交单价",
    "doc.number": "文件编号",
    "escrow.bank": "监管银行",
    "escrow.name": "监管账户户名",
    "escrow.number": "监管账号",
    "land.acquisition": "土地使用权取得方式",
    "land.area_m2": "土地面积",
    "land.certificate_no": "不动产权证号",
    "land.construction_permit_no": "建筑工程施工许可证号",
    "land.planning_permit_no": "建设工程规划许可证号",
    "land.term_end": "土地使用权终止日期",
    "land.use": "土地用途",
    "lease.status": "租赁情况",
    "permit.authority": "发证机关",
    "permit.issued": "发证日期",
    "permit.no": "预售许可证号",
    "policy.area_tolerance_pct": "面积误差比",
    "policy.deposit_limit_pct": "定金上限比例",
    "policy.refund_days": "退款期限",
    "project.address": "项目地址",
    "project.delivery_date": "交付日期",
    "project.name": "项目名称",
    "project.structure": "建筑结构",
    "project.surveyor": "测绘机构",
    "project.usage": "规划用途",
    "seller.address": "出卖人地址",
    "seller.legal_rep": "法定代表人",
    "seller.name": "出卖人",
    "seller.phone": "出卖人联系电话",
    "seller.qualification_no": "开发企业资质证书编号",
    "seller.uscc": "统一社会信用代码",
    "sub.min_down_payment_pct": "最低首付款比例",
    "terms.copies.buyer": "买受人执份数",
    "terms.copies.filing": "备案份数",
    "terms.copies.seller": "出卖人执份数",
    "terms.copies.total": "合同份数",
    "terms.delivery_notice_days": "交付通知提前天数",
    "terms.dispute": "争议解决方式",
    "terms.filing_days": "备案期限",
    "terms.late_delivery_daily_rate_bp": "逾期交付违约金日比例",
    "terms.late_delivery_grace_days": "逾期交付宽限天数",
    "terms.late_payment_daily_rate_bp": "逾期付款违约金日比例",
    "terms.late_payment_grace_days": "逾期付款宽限天数",
    "terms.property_manager.fee_per_m2_month": "物业服务费标准",
    "terms.property_manager.name": "物业服务企业",
    "terms.title_registration_days": "办理不动产登记期限",
    "unit.building": "楼栋",
    "unit.building_area": "建筑面积",
    "unit.code": "房号",
    "unit.floor": "楼层",
    "unit.inner_area": "套内建筑面积",
    "unit.layout": "户型",
    "unit.list_unit_price": "标价单价",
    "unit.orientation": "朝向",
    "unit.room": "房间号",
    "unit.shared_area": "分摊共有建筑面积",
}
LISTS = {"deal.plan": "付款计划", "deal.discounts": "优惠", "buyers": "买受人"}
# A list row's fields (its naming field, the plan's item, a discount's or a buyer's name, is the row's own name).
ITEM_LABELS = {
    "amount": "金额",
    "due": "应付日期",
    "item": "",
    "name": "",
    "rate_pct": "比例",
    "id_no": "证件号码",
    "id_type": "证件类型",
    "address": "通讯地址",
    "phone": "联系电话",
    "share_pct": "产权份额",
    "approval_no": "审批编号",
    "approved_by": "审批人",
    "kind": "类型",
}
_ITEM = re.compile(r"^([a-z_.]+)\[(\d+)\](?:\.(\w+))?$")


def label(path: str) -> str:
    """Name a printed field as a reader would (付款方式, 付款计划第1行金额); a path not declared stays as it is."""
    if path in LABELS or path in LISTS:
        return LABELS.get(path) or LISTS[path]
    m = _ITEM.match(path)
    if m and m.group(1) in LISTS and (m.group(3) or "") in ITEM_LABELS | {"": ""}:
        return f"{LISTS[m.group(1)]}第{int(m.group(2)) + 1}行{ITEM_LABELS.get(m.group(3) or '', '')}"
    return path


class FieldReader:
    """Reads one field of a YAML mapping at a time; a bad one is a ProjectError naming the file and the field."""

    def __init__(self, path: Path, raw: dict[str, Any]):
        self.path, self.raw = path, raw

    def fail(self, fieldname: str, expected: str, found: Any = None) -> ProjectError:
        return ProjectError(
            path=self.path, field=fieldname, expected=expected, found=repr(found)[:60] if found is not None else ""
        )

    def text(self, key: str) -> str:
        value = self.raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "文字（非空）", value)
        return value.strip()

    def date(self, key: str) -> dt.date:
        value = self.raw.get(key)
        if isinstance(value, dt.datetime):
            raise self.fail(key, "日期，格式 YYYY-MM-DD", value)
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(key, "日期，格式 YYYY-MM-DD", value) from None

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.raw.get(key, default)
        if value not in allowed:
            raise self.fail(key, "之一: " + " | ".join(allowed), value)
        return str(value)

    def mapping(self, key: str, required: bool = True) -> dict[str, Any]:
        value = self.raw.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "一个映射（键: 值）", value)
        return value

    def items(self, key: str, required: bool = True) -> list[dict[str, Any]]:
        value = self.raw.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, "一个非空列表，每项为映射", value)
        return value

    def number(self, fieldname: str, value: Any) -> Decimal:
        if isinstance(value, bool) or value is None:
            raise self.fail(fieldname, "一个数字", value)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(fieldname, "一个数字", value) from None
        if not number.is_finite():
            raise self.fail(fieldname, "一个有限的数字", value)
        return number

    def optional_number(self, key: str) -> Decimal | None:
        return None if self.raw.get(key) is None else self.number(key, self.raw[key])

    def reason(self, fieldname: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(fieldname, "一段说明（文字）", value)
        return value.strip()

    def optional_date(self, key: str) -> dt.date | None:
        return None if self.raw.get(key) is None else self.date(key)

    def strings(self, key: str, required: bool = True) -> list[str]:
        value = self.raw.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not value or not all(isinstance(v, (str, int)) for v in value):
            raise self.fail(key, "一个非空列表（文字）", value)
        return [str(v) for v in value]
