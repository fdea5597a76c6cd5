"""Device status shared by every driver, named after XFS4IoT's common status (never integers)."""

from __future__ import annotations

from enum import StrEnum


class DeviceStatus(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    POWER_OFF = "powerOff"
    NO_DEVICE = "noDevice"
    HARDWARE_ERROR = "hardwareError"
    USER_ERROR = "userError"
    DEVICE_BUSY = "deviceBusy"
    FRAUD_ATTEMPT = "fraudAttempt"
    POTENTIAL_FRAUD = "potentialFraud"
    STARTING = "starting"


# Named sets, as OctoPrint names its error states: what a health check treats as a fault.
FAULT_STATES = frozenset(
    {DeviceStatus.NO_DEVICE, DeviceStatus.HARDWARE_ERROR, DeviceStatus.POWER_OFF, DeviceStatus.OFFLINE}
)
USABLE_STATES = frozenset({DeviceStatus.ONLINE, DeviceStatus.DEVICE_BUSY})
