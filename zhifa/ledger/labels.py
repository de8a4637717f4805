"""Chinese names of the recorded actions, for pages. An action not listed shows its code."""

from __future__ import annotations

ACTION_LABELS = {
    "document.issue": "制作执法文书",
    "document.sign": "上传文书签字件",
    "ledger.witness_add": "登记见证方",
    "ledger.witness_retire": "停用见证方",
    "case_settings.update": "修改办案设置",
    "user.create": "创建用户",
    "user.grant_role": "授予角色",
    "user.revoke_role": "撤销角色",
    "calendar.load_year": "载入节假日安排",
    "officer.create": "登记执法人员",
    "officer.leave": "办理离岗",
    "officer.legal_review": "登记法制审核资格",
    "officer.create_login": "为执法人员创建登录账号",
    "officer.update": "更新执法人员信息",
    "officer.export": "导出执法人员名单",
    "certificate.issued": "核发执法证件",
    "certificate.annual_review": "证件年审",
    "certificate.suspended": "暂扣执法证件",
    "certificate.reinstated": "恢复执法证件",
    "certificate.revoked": "注销执法证件",
    "evidence.attach": "附加证据材料",
    "powers.publish": "发布清单新版（执法主体、权责或行政检查事项）",
    "benchmark.add": "发布行政处罚裁量基准新版",
    "laws.load": "载入或更新法律条款、违法行为、裁量基准和不予处罚清单",
    "publication.publish": "公开执法决定（已脱敏）",
    "publication.withhold": "登记执法决定不予公开及理由",
    "publication.withdraw": "撤回已公开的执法决定",
    "publication.repair_apply": "受理信用修复申请",
    "publication.repair_answer": "答复信用修复申请",
    "publication.repair": "信用修复，停止公示",
    "complaint.file": "收到投诉举报",
    "complaint.route": "投诉举报改派办理机关",
    "complaint.accept": "受理投诉举报",
    "complaint.refuse": "不予受理投诉举报",
    "complaint.open_lead": "投诉举报登记为案源",
    "complaint.not_inspect": "投诉举报不予检查并告知",
    "complaint.answer": "答复投诉举报办理结果",
    "complaint.transfer": "投诉举报移送其他机关",
    "complaint_settings.update": "修改投诉举报办理期限",
    "ledger.erase_facts": "依法删除事实内容",
    "ledger.seal_legacy": "封存旧格式记录的操作人与文件信息",
    "supervision.warnings_run": "运行执法监督预警规则",
    "supervision.warning_open": "发出执法监督预警",
    "supervision.warning_resolve": "执法监督预警消除",
    "supervision.warning_dismiss": "排除执法监督预警（附理由）",
}


def action_label(action: str) -> str:
    if action.startswith("case."):
        from zhifa.cases.workflow import ACTIONS

        step = ACTIONS.get(action.removeprefix("case."))
        return str(step.label) if step is not None else action
    return ACTION_LABELS.get(action, action)
