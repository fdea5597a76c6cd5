"""Every sentence the flow puts on a screen, in Chinese and English, by key. Calm, short, and saying what
to do next. Texts the services pass along (a rule's reason from the back end, a printer's problem) are
Chinese only; the flow pairs them with the English of their kind (:func:`from_service`)."""

from __future__ import annotations

from kiosk.session.states import Action, Problem, Rating, Stage
from kiosk.session.view import Text

TITLES: dict[Stage, Text] = {
    Stage.ATTRACT: Text("住房公积金自助服务", "Housing Provident Fund Self-Service"),
    Stage.CARD: Text("请放置身份证", "Place your ID card"),
    Stage.FACE: Text("人脸识别", "Face verification"),
    Stage.OPENING: Text("正在登录", "Signing in"),
    Stage.MENU: Text("请选择业务", "Choose a service"),
    Stage.ACCOUNT: Text("账户查询", "My account"),
    Stage.CERTIFICATE: Text("缴存证明", "Deposit certificate"),
    Stage.PRINTING: Text("正在打印", "Printing"),
    Stage.PRINTED: Text("缴存证明", "Deposit certificate"),
    Stage.WITHDRAWAL_TYPE: Text("选择提取类型", "Choose the kind of withdrawal"),
    Stage.WITHDRAWAL_RULE: Text("提取条件和材料", "Conditions and documents"),
    Stage.WITHDRAWAL_AMOUNT: Text("输入提取金额", "Enter the amount"),
    Stage.WITHDRAWAL_BANK_CARD: Text("输入本人银行卡号", "Enter your bank card number"),
    Stage.WITHDRAWAL_CONFIRM: Text("确认提取信息", "Confirm the withdrawal"),
    Stage.CONFIRM_FACE: Text("再次核验人脸", "One more look at your face"),
    Stage.SUBMITTING: Text("正在提交", "Submitting"),
    Stage.RESULT: Text("办理结果", "Result"),
    Stage.RATING: Text("请对本次服务评价", "Please rate this service"),
    Stage.CARD_RETURN: Text("请放回身份证", "Please put your ID card back"),
    Stage.ERROR: Text("暂时无法办理", "This cannot be done right now"),
    Stage.GOODBYE: Text("请取走身份证，再见", "Please take your ID card. Goodbye"),
}

ACTIONS: dict[Action, Text] = {
    Action.START: Text("开始办理", "Start"),
    Action.BACK: Text("返回", "Back"),
    Action.EXIT: Text("退出", "Exit"),
    Action.RETRY: Text("重试", "Try again"),
    Action.LANGUAGE: Text("English", "中文"),
    Action.ELDERLY: Text("长辈模式", "Large text"),
    Action.ACCOUNT: Text("账户查询", "My account"),
    Action.CERTIFICATE: Text("打印缴存证明", "Print a deposit certificate"),
    Action.WITHDRAWAL: Text("公积金提取", "Withdraw"),
    Action.PREVIOUS_PAGE: Text("上一页", "Previous"),
    Action.NEXT_PAGE: Text("下一页", "Next"),
    Action.PRINT: Text("打印", "Print"),
    Action.REPRINT: Text("重新打印", "Print again"),
    Action.MENU: Text("办理其他业务", "Other services"),
    Action.CHOOSE_TYPE: Text("选择", "Choose"),
    Action.DOCUMENTS_READY: Text("我已了解，继续", "I understand, continue"),
    Action.ENTER_AMOUNT: Text("确定", "OK"),
    Action.WHOLE_BALANCE: Text("全部余额", "Whole balance"),
    Action.ENTER_BANK_CARD: Text("确定", "OK"),
    Action.CONFIRM: Text("确认提交", "Confirm and submit"),
    Action.FINISH: Text("完成", "Done"),
    Action.RATE: Text("评价", "Rate"),
    Action.COMMENT: Text("意见", "Comment"),
    Action.SUBMIT_RATING: Text("提交评价", "Send rating"),
    Action.SKIP: Text("跳过", "Skip"),
}

RATINGS: dict[Rating, Text] = {
    Rating.VERY_SATISFIED: Text("非常满意", "Very satisfied"),
    Rating.SATISFIED: Text("满意", "Satisfied"),
    Rating.BASICALLY_SATISFIED: Text("基本满意", "Fairly satisfied"),
    Rating.DISSATISFIED: Text("不满意", "Dissatisfied"),
    Rating.VERY_DISSATISFIED: Text("非常不满意", "Very dissatisfied"),
}

MESSAGES: dict[str, Text] = {
    "attract": Text(
        "请将二代身份证放在读卡区，或点击开始", "Place your ID card on the reader, or touch Start"
    ),
    "place_card": Text("请将二代身份证放在读卡区", "Place your ID card on the reader"),
    "card_unreadable": Text(
        "身份证读取失败，请重新放置", "The ID card could not be read. Please place it again"
    ),
    "look_at_camera": Text("请正视摄像头", "Please look at the camera"),
    "opening": Text("核验通过，正在登录，请稍候", "Verified. Signing you in, please wait"),
    "menu": Text("请选择要办理的业务", "Choose what you would like to do"),
    "loading": Text("正在查询，请稍候", "Loading, please wait"),
    "certificate_preview": Text("请核对缴存证明，确认后打印", "Check the certificate, then print it"),
    "printing": Text("正在打印，请稍候", "Printing, please wait"),
    "printed": Text("打印完成，请取走", "Printed. Please take it"),
    "print_failed": Text("打印未完成", "It did not print"),
    "choose_type": Text("请选择提取原因", "Choose why you are withdrawing"),
    "documents": Text(
        "请确认您已备好以下材料，柜台或审核人员可能要求查看",
        "Please make sure you have these documents; staff may ask to see them",
    ),
    "enter_amount": Text("请输入提取金额（元）", "Enter the amount in yuan"),
    "amount_invalid": Text("金额不正确，请重新输入", "That amount is not right. Please enter it again"),
    "amount_over_balance": Text("金额超过账户余额，请重新输入", "That is more than your balance"),
    "whole_balance": Text("此类提取将提取全部余额并销户", "This withdrawal pays out the whole balance"),
    "enter_bank_card": Text("请输入本人名下的银行卡号", "Enter the number of a bank card in your own name"),
    "bank_card_invalid": Text("银行卡号不正确，请重新输入", "That bank card number is not right"),
    "confirm": Text("请核对以上信息，确认无误后提交", "Please check the details, then submit"),
    "confirm_face": Text(
        "为保障资金安全，请再次正视摄像头，或重新放置身份证",
        "To keep your money safe, look at the camera again or tap your ID card again",
    ),
    "confirm_face_failed": Text("再次核验未通过，请重试", "The second check did not pass. Please try again"),
    "submitting": Text("正在提交，请勿离开", "Submitting. Please stay here"),
    "sms_notice": Text("办理结果将以短信通知您", "You will receive the result by SMS"),
    "submitted_pending": Text(
        "业务已提交，结果将以短信通知您", "Your request has been submitted. The result will come by SMS"
    ),
    "accepted": Text("提取申请已受理", "Your withdrawal has been accepted"),
    "in_review": Text("提取申请已提交，等待审核", "Your withdrawal has been submitted for review"),
    "refused": Text("提取申请未获受理", "Your withdrawal was not accepted"),
    "not_recorded": Text(
        "暂时无法提交，本次未提交任何业务，请到柜台办理",
        "It could not be submitted; nothing was submitted. Please go to the counter",
    ),
    "rating": Text("您的评价将帮助我们改进服务", "Your rating helps us improve"),
    "card_return": Text(
        "身份证已取走。如需继续办理，请放回同一张身份证",
        "Your ID card was taken away. Put the same card back to go on",
    ),
    "other_card": Text(
        "这不是刚才的身份证，请放回原身份证", "This is a different card. Please put back your own"
    ),
    "goodbye": Text(
        "您的信息已清除。请取走身份证，再见", "Your details have been cleared. Take your card. Goodbye"
    ),
    "timed_out": Text("操作超时，本次业务已结束", "Time ran out; this visit has ended"),
    "face_attempts_used": Text(
        "多次核验未通过，请到柜台办理", "Verification did not pass several times. Please go to the counter"
    ),
}

# English for Chinese texts that come from the services, by kind of problem.
PROBLEMS: dict[Problem, Text] = {
    Problem.UNREACHABLE: Text(
        "暂时无法连接公积金中心，请稍后重试", "The fund center cannot be reached. Please try again shortly"
    ),
    Problem.REFUSED: Text("公积金中心未受理此业务", "The fund center did not accept this"),
    Problem.EXPIRED: Text("登录已过期，请重新开始", "Your sign-in has expired. Please start again"),
    Problem.CARD: Text(
        "此身份证暂时无法办理，请到柜台咨询", "This card cannot be used here; please ask at the counter"
    ),
    Problem.CAMERA: Text(
        "摄像头暂时无法使用，请到柜台办理", "The camera is not working. Please go to the counter"
    ),
    Problem.PRINTER: Text("打印机暂时无法使用", "The printer is not working right now"),
    Problem.DOCUMENT: Text(
        "证明文件校验未通过，未打印", "The certificate did not pass its check and was not printed"
    ),
    Problem.INTERNAL: Text(
        "暂时无法办理，请稍后重试或到柜台办理", "Something went wrong. Try again or go to the counter"
    ),
}
FACE_FAILED_EN = "Face verification did not pass"
FACE_PROGRESS_EN = {
    "face_found": "Face found. Please look straight at the screen",
    "adjust": "Please adjust your position",
    "challenge": "Please follow the prompt",
    "hold_still": "Hold still, checking",
    "verified": "Verified",
}
CHALLENGES_EN = {
    "blink": "Please blink",
    "turn_left": "Please turn your head left",
    "turn_right": "Please turn your head right",
}


def from_service(message_zh: str, problem: Problem) -> Text:
    """A Chinese sentence from a service, with the English of its kind."""
    return Text(message_zh or PROBLEMS[problem].zh, PROBLEMS[problem].en)


def face_progress(step: str, code: str, message_zh: str) -> Text:
    english = CHALLENGES_EN.get(code) if step == "challenge" else None
    return Text(message_zh, english or FACE_PROGRESS_EN.get(step, "Please look at the camera"))
