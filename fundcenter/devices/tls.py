"""Mutual TLS for the reference back end: kiosks present the certificate its device CA signed.

uvicorn (0.54) terminates TLS but does not pass the peer certificate to the application: it does not
implement the ASGI ``tls`` extension (requested in encode/uvicorn#745 and #1118). The asyncio
transport has it (``get_extra_info("ssl_object")``) once the handshake is done, so
:class:`TlsHttpToolsProtocol` adds the extension to each request's scope::

    scope["extensions"]["tls"] = {"client_cert_chain": [PEM, ...], "tls_version": ..., ...}

:mod:`fundcenter.devices.identity` then requires the certificate's key to be the one enrolled for the
device the request names. Client certificates are *optional* at the handshake (a kiosk enrols over
the same port before it has one; a certificate from another CA still fails the handshake) and
*required* by the app on every device route. Behind a TLS-terminating proxy the connection reaches
the app as plain HTTP and the request signature alone identifies the device.
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

TLS_VERSIONS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}


def tls_extension(transport: asyncio.BaseTransport) -> dict[str, Any] | None:
    """The ASGI ``tls`` extension of a connection; None for plain HTTP."""
    ssl_object = transport.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(binary_form=True)
    cipher = ssl_object.cipher()
    return {
        "server_cert": None,
        "client_cert_chain": [ssl.DER_cert_to_PEM_cert(der)] if der else [],
        "client_cert_name": None,
        "client_cert_error": None,
        "tls_version": TLS_VERSIONS.get(ssl_object.version() or ""),
        "cipher_suite": None if cipher is None else cipher[0],
    }


class TlsHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol, with the client certificate of the connection in every scope."""

    _tls: dict[str, Any] | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._tls = tls_extension(transport)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._tls is not None:
            self.scope["extensions"] = {"tls": self._tls}  # type: ignore[dict-item]


def server_context(certfile: Path, keyfile: Path | None, device_ca: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(certfile), str(keyfile) if keyfile else None)
    context.load_verify_locations(cafile=str(device_ca))
    context.verify_mode = ssl.CERT_OPTIONAL  # required per route by the app (enrolment comes first)
    return context


def uvicorn_config(
    app: FastAPI, certfile: Path | None, keyfile: Path | None, device_ca: Path
) -> uvicorn.Config:
    """The server's configuration: plain HTTP without a certificate, mutual TLS with one."""
    options: dict[str, Any] = {"log_config": None, "access_log": False, "lifespan": "off"}
    if certfile is None:
        return uvicorn.Config(app, **options)
    context = server_context(certfile, keyfile, device_ca)
    return uvicorn.Config(
        app,
        http=TlsHttpToolsProtocol,
        ssl_certfile=str(certfile),  # uvicorn reports https; the context below is what it uses
        ssl_context_factory=lambda _config, _default: context,
        **options,
    )
