"""Synthetic notebooks with planted secrets, and the checks that find them.

The notebooks are built with nbformat, outputs included, so most tests need no kernel; the
lab's real notebooks are not used (they change independently).
"""

from __future__ import annotations

import base64
import io
import os
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from labhelpers.checkreport import CheckReport

# Planted secrets; SECRETS are substrings that must not survive anywhere in a report.
USER = "ocid1.user.oc1..aaaaaaaaplanteduserocidqwertyuiopasdfghjklzxcvbnm7k3j"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaaplantedtenancyocidmnbvcxzlkjhgfdsapoiu5x2w"
FINGERPRINT = "9f:1e:77:03:aa:bc:de:f0:12:34:56:78:9a:bc:de:f1"
JWT = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InBsYW50ZWQifQ."
    "eyJzdWIiOiJwbGFudGVkLXNlc3Npb24tdG9rZW4iLCJ0ZW5hbnQiOiJ4In0."
    "cGxhbnRlZC1zaWduYXR1cmUtYnl0ZXMtZm9yLXRoZS1yZXBvcnQtdGVzdA"
)
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAplantedprivatekeymaterialAAAA\n"
    "cGxhbnRlZHByaXZhdGVrZXlib2R5\n-----END RSA PRIVATE KEY-----"
)
KEY_PATH = "/home/learner/.oci/planted_api_key.pem"
PASS_PHRASE = "planted-pass-phrase-42"
AUTH_TOKEN = "Pl4nted+AuthTok(en)"
STREAM = "ocid1.stream.oc1.phx.amaaaaaaplantedstreamocidstays9q"  # not a secret: must stay

SECRETS = {
    "user OCID": USER[20:],
    "tenancy OCID": TENANCY[22:],
    "fingerprint": FINGERPRINT,
    "session token": JWT.split(".")[1],
    "private key": "plantedprivatekeymaterial",
    "key path": "planted_api_key",
    "pass phrase": PASS_PHRASE,
    "auth token": "Pl4nted",
}


def png_chart(width: int = 4) -> str:
    """A real matplotlib chart as base64 PNG, the way the inline backend stores it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, 2.5))
    ax.plot([0, 1, 2, 3], [3, 1, 4, 1])
    ax.set_title("offsets per partition")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def check_output(title: str, lines: list[tuple[bool, str]]) -> dict:
    """The output a ``check_*`` call leaves in a notebook (its display bundle), as nbformat stores it."""
    return new_output("display_data", data=CheckReport(title, lines)._repr_mimebundle_())


def _widget(model_name: str, state: dict) -> dict:
    module = (
        "@jupyter-widgets/output" if model_name == "OutputModel" else "@jupyter-widgets/controls"
    )
    return {
        "model_name": model_name,
        "model_module": module,
        "model_module_version": "2.0.0",
        "state": state,
    }


def notebook_with_every_output(title: str = "Publish with keys") -> nbformat.NotebookNode:
    """A finished notebook: a chart, widgets, and secrets in every kind of output."""
    chart = png_chart()
    nb = new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["lab"] = {"security_token": JWT, "note": f"configured for {USER}"}
    nb.metadata["papermill"] = {
        "parameters": {"target": "local", "compartment_id": TENANCY, "stream_name": "lab-stream"},
        "end_time": "2026-11-28T10:00:00.000000",
    }
    state = {
        "box": _widget(
            "VBoxModel",
            {
                "children": [
                    "IPY_MODEL_slider",
                    "IPY_MODEL_text",
                    "IPY_MODEL_pw",
                    "IPY_MODEL_out",
                    "IPY_MODEL_bar",
                ]
            },
        ),
        "slider": _widget(
            "IntSliderModel", {"description": "messages", "value": 37, "min": 0, "max": 100}
        ),
        "text": _widget(
            "TextModel", {"description": "config", "value": f"pass_phrase={PASS_PHRASE}"}
        ),
        "pw": _widget("PasswordModel", {"description": "auth token", "value": AUTH_TOKEN}),
        "bar": _widget(
            "FloatProgressModel", {"description": "published", "value": 30.0, "max": 40.0}
        ),
        "out": _widget(
            "OutputModel",
            {
                "outputs": [
                    check_output(
                        "the test message", [(True, f"sent with key fingerprint {FINGERPRINT}")]
                    ),
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"image/png": chart, "text/plain": "<Figure>"},
                    },
                ]
            },
        ),
        "secretmodel": _widget(
            "TextModel", {"value": f"token={AUTH_TOKEN}", "auth_token": AUTH_TOKEN}
        ),
    }
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "version_major": 2,
            "version_minor": 0,
            "state": state,
        }
    }

    def code(source, outputs, count, tags=()):
        cell = new_code_cell(
            source, execution_count=count, metadata={"tags": list(tags)} if tags else {}
        )
        cell.outputs = outputs
        return cell

    nb.cells = [
        new_markdown_cell(
            f"# {title}\n\nThe chart below is ![a local figure](figure.png). "
            "Remote pictures are not fetched: ![remote](https://example.com/remote.png). "
            f"Read [the docs](https://docs.oracle.com/en-us/iaas/Content/Streaming/home.htm)."
        ),
        code(
            "cfg = lab.config\nprint(cfg)",
            [
                new_output(
                    "stream",
                    name="stdout",
                    text=f"user={USER}\nfingerprint={FINGERPRINT}\nkey_file={KEY_PATH}\ntenancy={TENANCY}\n"
                    f"pass_phrase={PASS_PHRASE}\nstream {STREAM}\n",
                )
            ],
            1,
        ),
        code(
            "plot_offsets(frame)",
            [new_output("display_data", data={"image/png": chart, "text/plain": "<Figure>"})],
            2,
        ),
        code(
            "frame.head()",
            [
                new_output(
                    "execute_result",
                    execution_count=3,
                    data={
                        "text/html": (
                            f"<table><tr><th>user</th><td>{USER}</td></tr><tr><th>token</th>"
                            f"<td>{JWT}</td></tr><tr><th>keyId</th><td>keyId=&quot;{TENANCY}/{USER}/"
                            f"{FINGERPRINT}&quot;</td></tr></table>"
                        ),
                        "text/plain": f"user {USER} token {JWT}",
                    },
                )
            ],
            3,
        ),
        code(
            "show_config_json()",
            [
                new_output(
                    "display_data",
                    data={
                        "application/json": {
                            "user": USER,
                            "fingerprint": FINGERPRINT,
                            "key_file": KEY_PATH,
                            "pass_phrase": PASS_PHRASE,
                            "auth_token": AUTH_TOKEN,
                        },
                        "text/plain": f"{{'user': '{USER}', 'key_file': '{KEY_PATH}'}}",
                    },
                )
            ],
            4,
        ),
        code(
            "connect(key_content=PEM)",
            [
                new_output(
                    "error",
                    ename="InvalidPrivateKey",
                    evalue=f"bad key for {USER}",
                    traceback=[
                        "\x1b[0;31m---------------------------------------------------------------\x1b[0m",
                        f"\x1b[0;32mkey_file\x1b[0m\x1b[38;5;241m=\x1b[0m\x1b[38;5;124m'{KEY_PATH}'\x1b[0m",
                        f'signer for keyId="ST${JWT}" with {PEM}',
                        f"\x1b[0;31mInvalidPrivateKey\x1b[0m: bad key for {USER}",
                    ],
                )
            ],
            5,
            tags=["raises-exception"],
        ),
        code(
            "publisher_widget()",
            [
                new_output(
                    "display_data",
                    data={
                        "application/vnd.jupyter.widget-view+json": {
                            "model_id": "box",
                            "version_major": 2,
                            "version_minor": 0,
                        },
                        "text/plain": "VBox(children=(IntSlider(value=37),))",
                    },
                )
            ],
            6,
        ),
        code(
            "lost_widget()",
            [
                new_output(
                    "display_data",
                    data={
                        "application/vnd.jupyter.widget-view+json": {
                            "model_id": "not-saved",
                            "version_major": 2,
                            "version_minor": 0,
                        },
                        "text/plain": f"Text(value='session {JWT}', description='token')",
                    },
                )
            ],
            7,
        ),
        code(
            "check_keyed_publish(client, stream, ['a', 'b'])",
            [
                check_output(
                    "messages published with keys ['a', 'b']",
                    [
                        (True, "key 'a': 3 messages in the stream"),
                        (
                            False,
                            "key 'b': 0 messages found, expected at least 3. Publish more with key='b'.",
                        ),
                    ],
                )
            ],
            8,
        ),
        code(
            "show_widget_html()",
            [
                new_output(
                    "display_data",
                    data={
                        "text/html": (
                            '<script src="https://cdn.jsdelivr.net/npm/planted-cdn.js"></script>'
                            '<div style="background:url(https://example.com/bg.png)">styled output</div>'
                        ),
                        "text/plain": "styled output",
                    },
                )
            ],
            10,
        ),
        code(
            "display(Javascript('alert(1)'))",
            [
                new_output(
                    "display_data",
                    data={
                        "application/javascript": "document.body.appendChild(document.createElement('script')).src='https://cdn.example.com/x.js'"
                    },
                )
            ],
            9,
        ),
    ]
    return nb


def write_notebook(nb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    if "figure.png" not in os.listdir(path.parent):
        (path.parent / "figure.png").write_bytes(base64.b64decode(png_chart(2)))
    return path


def secrets_found(text: str) -> list[str]:
    return [name for name, s in SECRETS.items() if s in text]


_DRAWN_MARK = re.compile(r"<svg[^>]*\bdata-mark='([^']+)'[^>]*>.*?</svg>", re.S)


def marks_as_text(html: str) -> str:
    """``html`` with each drawn mark (an inline SVG) put back as the emoji it stands for."""
    return _DRAWN_MARK.sub(lambda m: m.group(1), html)


def displayed_text(html: str) -> str:
    """What a reader sees as text: no scripts, styles, title or attribute values."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(["script", "style", "title", "head"]):
        tag.decompose()
    return soup.get_text()
