"""Chinese names of the kiosk's health checks and states, shown beside the English ones."""

from __future__ import annotations

CHECKS = {
    "link": "网络连接",
    "software": "软件版本",
    "shell": "主程序",
    "card_reader": "身份证读卡器",
    "camera": "摄像头",
    "document_printer": "证明打印机",
    "receipt_printer": "凭条打印机",
    "disk": "磁盘空间",
    "memory": "内存",
    "cpu_temperature": "CPU温度",
    "back_end": "中心连接",
    "clock": "时钟偏差",
    "outbox": "待发业务",
    "last_transaction": "最近交易",
    "tls_certificate": "终端证书",
    "service": "服务状态",
}


def check(name: str) -> str:
    return CHECKS.get(name, name)
