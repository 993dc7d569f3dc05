"""The stand-in's own speed (issue 16): beside a peer emulator, per CPU second, as the stream
grows, and across many partitions and groups.  Each function returns rows for the table."""

from __future__ import annotations

from localoci import process

from . import fanout, growth, peer
from .common import Row, _tmp


def peer_figures(quick: bool = False) -> list[Row]:
    """Figures 1 and 3: localoci vs kinesalite, same work, alternating rounds."""
    server = process.start(_tmp("peer"), "--no-limits")
    try:
        figures = peer.compare(server, total=4000 if quick else 20_000, rounds=3 if quick else 5)
    except peer.Skip as why:
        print(f"   skipped: {why}")
        return [
            Row("1. vs kinesalite (write, read)", "skipped", None, ">= 1.6x", None),
            Row("3. server CPU vs kinesalite", "skipped", None, "<= 1.0", None),
        ]
    finally:
        server.stop()
    for line in figures.rounds:
        print(f"   {line}")
    print(
        f"   median of per-round ratios: write {figures.write_ratio:.2f}x, read {figures.read_ratio:.2f}x, "
        f"server CPU {figures.cpu_ratio:.2f} of kinesalite's"
    )
    return [
        Row(
            "1. write vs kinesalite (boto3), same work",
            f"{figures.write_ratio:.2f}x",
            figures.write_ratio,
            ">= 1.6x",
            figures.write_ratio >= 1.6,
        ),
        Row(
            "1. read vs kinesalite (boto3), same work",
            f"{figures.read_ratio:.2f}x",
            figures.read_ratio,
            ">= 1.6x",
            figures.read_ratio >= 1.6,
        ),
        Row(
            "3. server CPU s per 20,000 written+read vs kinesalite",
            f"{figures.cpu_ratio:.2f}",
            figures.cpu_ratio,
            "<= 1.0",
            figures.cpu_ratio <= 1.0,
        ),
    ]


def growth_figures(quick: bool = False) -> list[Row]:
    """Figure 4: the same calls with 1, 10^5 and 10^6 messages retained in a partition."""
    sizes = (1, 10_000, 100_000) if quick else (1, 100_000, 1_000_000)
    results = [
        growth.measure(n, lambda: process.start(_tmp("growth"), "--no-limits")) for n in sizes
    ]
    names = list(results[0].ms)
    print("   " + f"{'ms (median)':<28}" + "".join(f"{n:>14,}" for n in sizes))
    for name in names:
        print(
            "   "
            + f"{name.split(' trimming')[0]:<28}"
            + "".join(f"{r.ms[name]:>14.2f}" for r in results)
        )
    print("   " + f"{'RSS MB':<28}" + "".join(f"{r.rss_mb:>14.1f}" for r in results))
    rows = []
    first, last = results[0], results[-1]
    for name in names:
        if name == "retention sweep":
            sweep = last.ms[name]
            rows.append(
                Row(
                    f"4. retention sweep of {sizes[-1] // 2:,} messages",
                    f"{sweep:.0f} ms",
                    None,
                    "report",
                    None,
                )
            )
            continue
        # A floor of 0.2 ms: below it the ratio of two tiny numbers measures noise.
        ratio = max(last.ms[name], 0.2) / max(first.ms[name], 0.2)
        rows.append(
            Row(
                f"4. {name}: {sizes[-1]:,} vs 1 message retained",
                f"{last.ms[name]:.2f} ms",
                ratio,
                "<= 1.5x (flat)",
                ratio <= 1.5,
            )
        )
    rows.append(
        Row(
            f"4. server RSS holding {sizes[-1]:,} x 1 KB",
            f"{last.rss_mb:.0f} MB",
            None,
            "<= 100 MB",
            last.rss_mb <= 100,
        )
    )
    return rows


def fanout_figures(quick: bool = False) -> list[Row]:
    """Figure 5: 50 partitions written at once, 20 groups reading them, vs one partition."""
    total = 10_000 if quick else 50_000
    server = process.start(_tmp("fanout"), "--no-limits")
    try:
        f = fanout.measure(server, total)
    finally:
        server.stop()
    many = f"{fanout.PARTITIONS}"
    write_ratio = f[f"write {many}"] / f["write 1"]
    read_ratio = f[f"read {fanout.GROUPS} groups"] / f["read 1 group"]
    print(
        f"   write: 1 partition {f['write 1']:,.0f} msg/s, {many} partitions {f[f'write {many}']:,.0f} msg/s"
    )
    print(
        f"   read: 1 group on 1 partition {f['read 1 group']:,.0f} msg/s, {fanout.GROUPS} groups on {many} "
        f"partitions {f[f'read {fanout.GROUPS} groups']:,.0f} msg/s in all"
    )
    return [
        Row(
            f"5. write {many} partitions at once vs 1",
            f"{f[f'write {many}']:,.0f} msg/s",
            write_ratio,
            "report",
            None,
        ),
        Row(
            f"5. {fanout.GROUPS} groups reading {many} partitions vs 1 group",
            f"{f[f'read {fanout.GROUPS} groups']:,.0f} msg/s",
            read_ratio,
            "report",
            None,
        ),
    ]
