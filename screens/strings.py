"""Every text the screens show, Chinese first, English for the toggle. Screens look texts up here."""

from __future__ import annotations

from typing import Literal

Language = Literal["zh", "en"]

TEXTS: dict[Language, dict[str, str]] = {
    "zh": {
        "attract.call_to_action": "请将身份证放在读卡区",
        "attract.call_to_action_hint": "身份证放在下方感应区，听到提示音后再拿开",
        "attract.services": "可办理：账户查询 · 缴存证明打印 · 提取申请",
        "attract.hotline": "服务热线 {hotline}",
        "attract.device": "终端编号 {device_id}",
        "service.checking": "正在连接服务中心…",
        "service.online": "服务正常",
        "service.offline": "暂时无法连接服务中心，请稍后再试或咨询工作人员",
        "reader.online": "读卡器正常",
        "reader.offline": "读卡器未连接",
        "reader.fault": "读卡器故障，请联系工作人员",
        "card.read_title": "身份证读取成功",
        "card.read_hint": "欢迎您，{name}。请取回您的身份证",
        "weekday.0": "星期一",
        "weekday.1": "星期二",
        "weekday.2": "星期三",
        "weekday.3": "星期四",
        "weekday.4": "星期五",
        "weekday.5": "星期六",
        "weekday.6": "星期日",
        "date": "{year}年{month}月{day}日 {weekday}",
        "button.back": "返回",
        "button.exit": "退出",
        "button.language": "English",
        "button.elderly": "长者模式",
        "button.elderly_off": "标准字体",
        "countdown": "还剩 {seconds} 秒",
        "pad.clear": "清空",
        "pad.delete": "删除",
        "list.empty": "暂无记录",
        "list.previous": "上一页",
        "list.next": "下一页",
        "list.page": "第 {page}/{pages} 页",
    },
    "en": {
        "attract.call_to_action": "Please place your ID card on the reader",
        "attract.call_to_action_hint": "Put the card on the reader below and take it away after the beep",
        "attract.services": "Account enquiry · Deposit certificate · Withdrawal",
        "attract.hotline": "Hotline {hotline}",
        "attract.device": "Kiosk {device_id}",
        "service.checking": "Connecting to the fund center…",
        "service.online": "Service available",
        "service.offline": "The fund center cannot be reached. Please try later or ask the staff.",
        "reader.online": "Card reader ready",
        "reader.offline": "Card reader not connected",
        "reader.fault": "Card reader fault: please ask the staff",
        "card.read_title": "ID card read",
        "card.read_hint": "Welcome, {name}. Please take your ID card back.",
        "weekday.0": "Monday",
        "weekday.1": "Tuesday",
        "weekday.2": "Wednesday",
        "weekday.3": "Thursday",
        "weekday.4": "Friday",
        "weekday.5": "Saturday",
        "weekday.6": "Sunday",
        "date": "{weekday}, {day} {month_name} {year}",
        "button.back": "Back",
        "button.exit": "Exit",
        "button.language": "中文",
        "button.elderly": "Large text",
        "button.elderly_off": "Normal text",
        "countdown": "{seconds} s left",
        "pad.clear": "Clear",
        "pad.delete": "Delete",
        "list.empty": "No records",
        "list.previous": "Previous",
        "list.next": "Next",
        "list.page": "Page {page} of {pages}",
    },
}

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def text(key: str, language: Language = "zh", **values: object) -> str:
    """The text for ``key``; a key missing in English falls back to Chinese, never to the key."""
    template = TEXTS[language].get(key) or TEXTS["zh"][key]
    return template.format(**values) if values else template


def month_name(month: int) -> str:
    return _MONTHS[month - 1]
