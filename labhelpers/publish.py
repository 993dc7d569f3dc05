"""Publishing: one message or many, in batches under the 1 MiB request limit.

Every entry's result is kept: acknowledged messages come back with partition and offset;
throttled entries (per-entry errors in a 200, OCI's shape) are retried after the wait the
service names; any other per-entry error raises :class:`PublishError` listing the entries,
never dropped silently.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import oci

from .encoding import Serializer, b64encode, to_text
from .errors import PublishError
from .limits import MAX_BATCH_MESSAGES, MAX_REQUEST_BYTES, MIB, wait_ms

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_BATCH_MESSAGES",
    "MIB",
    "Ack",
    "PublishError",
    "PublishResult",
    "publish",
]

MAX_BATCH_BYTES = MAX_REQUEST_BYTES
THROTTLE_CODES = {"429", "TooManyRequests"}


@dataclass(frozen=True)
class Ack:
    """One published message: where it landed."""

    index: int
    key: bytes | None
    partition: str
    offset: int
    timestamp: Any


@dataclass
class PublishResult:
    acks: list[Ack] = field(default_factory=list)
    requests: int = 0
    throttled_entries: int = 0
    bytes: int = 0
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return len(self.acks)

    def partitions(self) -> dict[str, int]:
        """How many messages landed in each partition."""
        out: dict[str, int] = {}
        for a in self.acks:
            out[a.partition] = out.get(a.partition, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: int(kv[0])))

    def __repr__(self) -> str:
        return (
            f"<PublishResult {self.count} messages in {self.requests} requests, "
            f"{self.throttled_entries} throttled entries retried, {self.seconds:.2f} s, "
            f"partitions {self.partitions()}>"
        )


def _entries(messages: Any, key: Any, serializer: Serializer) -> list[tuple[bytes | None, bytes]]:
    if isinstance(messages, str | bytes) or not isinstance(messages, Iterable):
        messages = [messages]
    out = []
    for m in messages:
        if isinstance(m, tuple) and len(m) == 2:
            k, v = m
        else:
            k, v = key, m
        kb = None if k is None else (k if isinstance(k, bytes) else str(k).encode("utf-8"))
        out.append((kb, serializer(v)))
    return out


def _batches(
    items: list[tuple[int, bytes | None, bytes]],
) -> Iterable[list[tuple[int, bytes | None, bytes]]]:
    batch: list[tuple[int, bytes | None, bytes]] = []
    size = 0
    for item in items:
        n = len(item[2]) + (len(item[1]) if item[1] else 0)
        if n > MAX_BATCH_BYTES:
            raise ValueError(
                f"message #{item[0]} is {n} bytes; OCI Streaming takes at most 1 MiB per message. "
                "Split it into chunks, or put it in Object Storage and publish a pointer."
            )
        if batch and (size + n > MAX_BATCH_BYTES or len(batch) >= MAX_BATCH_MESSAGES):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += n
    if batch:
        yield batch


def publish(
    client: oci.streaming.StreamClient,
    stream_id: str,
    messages: Any,
    *,
    key: Any = None,
    serializer: Serializer = to_text,
    progress: bool | None = None,
    max_wait_s: float = 120.0,
) -> PublishResult:
    """Publish ``messages`` (one value, or many; ``(key, value)`` tuples set per-message keys).

    Parameters
    ----------
    client : oci.streaming.StreamClient
        For the stream's messages endpoint (``lab.stream_client(stream.messages_endpoint)``).
    stream_id : str
        The stream's OCID.
    messages : value, or iterable of values or (key, value) tuples
        Values go through ``serializer`` (default: UTF-8 text).
    key : str or bytes, optional
        The key for values given without one. Same key, same partition; no key: any partition.
    progress : bool, optional
        A progress bar; by default shown for more than 2,000 messages.
    max_wait_s : float
        Give up (raise) if throttling keeps an entry waiting longer than this in total.

    Returns
    -------
    PublishResult
        ``acks`` in the order given (partition, offset per message).

    Examples
    --------
    >>> result = publish(client, stream.id, ["a", "b"], key="k")   # doctest: +SKIP
    >>> [(a.partition, a.offset) for a in result.acks]             # doctest: +SKIP
    [('0', 0), ('0', 1)]
    """
    items = [(i, k, v) for i, (k, v) in enumerate(_entries(messages, key, serializer))]
    result = PublishResult()
    acks: dict[int, Ack] = {}
    bar = None
    if progress or (progress is None and len(items) > 2000):
        from tqdm.auto import tqdm

        bar = tqdm(total=len(items), unit="msg", desc="publishing")
    start = time.monotonic()
    waited = 0.0
    failed: list[tuple[int, str, str]] = []
    pending = list(items)
    try:
        while pending:
            retry: list[tuple[int, bytes | None, bytes]] = []
            wait = 0
            for batch in _batches(pending):
                details = oci.streaming.models.PutMessagesDetails(
                    messages=[
                        oci.streaming.models.PutMessagesDetailsEntry(
                            key=b64encode(k) if k is not None else None, value=b64encode(v)
                        )
                        for _, k, v in batch
                    ]
                )
                response = client.put_messages(stream_id, details)
                result.requests += 1
                for (i, k, v), entry in zip(batch, response.data.entries, strict=True):
                    if entry.error:
                        if entry.error in THROTTLE_CODES or "throttled" in (
                            entry.error_message or ""
                        ):
                            retry.append((i, k, v))
                            result.throttled_entries += 1
                            wait = max(wait, wait_ms(entry.error_message))
                        else:
                            failed.append((i, entry.error, entry.error_message or ""))
                    else:
                        acks[i] = Ack(i, k, entry.partition, entry.offset, entry.timestamp)
                        result.bytes += len(v) + (len(k) if k else 0)
                        if bar is not None:
                            bar.update(1)
                if retry:
                    # Resend exactly the refused entries (what the service stored is in
                    # ``acks`` and is never sent again, so nothing is duplicated), and hold back
                    # everything not sent yet, so the refused ones go first.
                    done = {i for i, _, _ in batch}
                    rest = [it for it in pending if it[0] not in done and it[0] not in acks]
                    retry = sorted(retry + rest, key=lambda it: it[0])
                    break
            if retry:
                waited += wait / 1000
                if waited > max_wait_s:
                    raise TimeoutError(
                        f"throttled for over {max_wait_s:.0f} s; {len(acks)} messages were published. "
                        "Publish less at once, or use more partitions (1 MiB/s each)."
                    )
                time.sleep(wait / 1000)
            pending = [it for it in retry if it[0] not in acks]
    finally:
        if bar is not None:
            bar.close()
    result.seconds = time.monotonic() - start
    result.acks = [acks[i] for i in sorted(acks)]
    if failed:
        raise PublishError(failed, result)
    return result
