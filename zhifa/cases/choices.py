from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", _("普通程序")
    SUMMARY = "summary", _("简易程序")


class LeadSource(models.TextChoices):
    COMPLAINT = "complaint", _("投诉举报")
    INSPECTION = "inspection", _("监督检查")
    REFERRAL = "referral", _("上级交办或移送")
    REPORT = "report", _("媒体或其他机关反映")
    MONITORING = "monitoring", _("监测发现")


class PartyKind(models.TextChoices):
    CITIZEN = "citizen", _("公民")
    ORGANISATION = "organisation", _("法人或者其他组织")


class PenaltyKind(models.TextChoices):
    """行政处罚法 第九条 (detention, a police power, is left out)."""

    WARNING = "warning", _("警告")
    CRITICISM = "criticism", _("通报批评")
    FINE = "fine", _("罚款")
    CONFISCATE_GAINS = "confiscate_gains", _("没收违法所得")
    CONFISCATE_PROPERTY = "confiscate_property", _("没收非法财物")
    SUSPEND_LICENCE = "suspend_licence", _("暂扣许可证件")
    LOWER_QUALIFICATION = "lower_qualification", _("降低资质等级")
    REVOKE_LICENCE = "revoke_licence", _("吊销许可证件")
    RESTRICT_ACTIVITY = "restrict_activity", _("限制开展生产经营活动")
    STOP_PRODUCTION = "stop_production", _("责令停产停业")
    CLOSE = "close", _("责令关闭")
    RESTRICT_PRACTICE = "restrict_practice", _("限制从业")


class EvidenceKind(models.TextChoices):
    """The kinds of evidence (行政诉讼法 第三十三条)."""

    DOCUMENT = "document", _("书证")
    OBJECT = "object", _("物证")
    AUDIO_VIDEO = "audio_video", _("视听资料")
    ELECTRONIC = "electronic", _("电子数据")
    WITNESS = "witness", _("证人证言")
    PARTY_STATEMENT = "party_statement", _("当事人的陈述")
    EXPERT_OPINION = "expert_opinion", _("鉴定意见")
    SITE_RECORD = "site_record", _("勘验笔录、现场笔录")


class ServiceMethod(models.TextChoices):
    """送达 (行政处罚法 第六十一条, by the methods of the Civil Procedure Law)."""

    DIRECT = "direct", _("直接送达")
    LEFT = "left", _("留置送达")
    POST = "post", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达（当事人同意）")
    ANNOUNCEMENT = "announcement", _("公告送达")


class NoPenaltyGround(models.TextChoices):
    """Why no penalty is given (行政处罚法 第三十条、第三十一条、第三十三条)."""

    MINOR_CORRECTED = "minor_corrected", _("违法行为轻微并及时改正，没有造成危害后果（第三十三条第一款）")
    FIRST_OFFENCE = "first_offence", _("初次违法且危害后果轻微并及时改正（首违不罚，第三十三条第一款）")
    NO_FAULT = "no_fault", _("当事人有证据足以证明没有主观过错（第三十三条第二款）")
    UNDER_FOURTEEN = "under_fourteen", _("不满十四周岁的未成年人（第三十条）")
    MENTAL_ILLNESS = "mental_illness", _("不能辨认或者不能控制自己行为的精神病人、智力残疾人（第三十一条）")
    FACTS_UNCLEAR = "facts_unclear", _("违法事实不能成立（第五十七条第一款第三项）")


class RecusalApplicant(models.TextChoices):
    """Who asks that an officer step aside (行政处罚法 第四十三条)."""

    PARTY = "party", _("当事人申请")
    OFFICER = "officer", _("执法人员自行申请")


class DefenceAnswer(models.TextChoices):
    """The re-examination (复核) of the party's statement and defence (行政处罚法 第四十五条第一款)."""

    ADOPTED = "adopted", _("成立，予以采纳")
    PARTLY = "partly", _("部分成立，部分采纳")
    NOT_ADOPTED = "not_adopted", _("不成立，不予采纳")


class SeizureMeasure(models.TextChoices):
    """查封 (sealing a place, facility or goods where they are) or 扣押 (impounding them) (行政强制法 第九条)."""

    SEAL = "seal", _("查封")
    IMPOUND = "impound", _("扣押")


class AppraisalKind(models.TextChoices):
    """What the seized goods are sent for; its time is not counted in the seizure (行政强制法 第二十五条第三款)."""

    TESTING = "testing", _("检测")
    INSPECTION = "inspection", _("检验")
    QUARANTINE = "quarantine", _("检疫")
    APPRAISAL = "appraisal", _("技术鉴定")


class PreservationMeasure(models.TextChoices):
    """The decision on evidence registered and preserved (先行登记保存), within seven working days (行政处罚法
    第五十六条). The measures are those of 市场监督管理行政处罚程序规定 第三十四条, which other sectors' procedure
    rules list alike; a sector's own list is a reason to make this agency data."""

    RECORDED_RETURNED = "recorded_returned", _("采取记录、复制、拍照、录像等证据保全措施后退还")
    SENT_FOR_APPRAISAL = "sent_for_appraisal", _("送交检测、检验、检疫、鉴定")
    SEIZED = "seized", _("依法采取查封、扣押等行政强制措施")
    CONFISCATION = "confiscation", _("违法事实成立，依法应当予以没收，在行政处罚决定中没收")
    RELEASED = "released", _("违法事实不成立或者依法不应当查封、扣押、没收，解除先行登记保存并退还")


class CriminalOutcome(models.TextChoices):
    """How the criminal matter of a case sent to the judicial organs ended (行政处罚法 第二十七条、第三十五条)."""

    CONVICTED = "convicted", _("判处刑罚")
    EXEMPTED = "exempted", _("免予刑事处罚")
    DROPPED = "dropped", _("撤销案件或者不起诉")


class ContestChannel(models.TextChoices):
    """What the agency does with the police's refusal to open a case (行政执法机关移送涉嫌犯罪案件的规定 第九条)."""

    RECONSIDERATION = "reconsideration", _("提请作出不予立案决定的公安机关复议")
    SUPERVISION = "supervision", _("建议人民检察院依法进行立案监督")


class ReviewConclusion(models.TextChoices):
    """The legal reviewer's written conclusion (行政处罚法 第五十八条; 国办发〔2018〕118号)."""

    APPROVE = "approve", _("同意")
    AMEND = "amend", _("修改后同意")
    RETURN = "return", _("退回补充调查")
    DISAPPROVE = "disapprove", _("不同意，退回重新处理")
