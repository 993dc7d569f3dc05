"""The group coordinator's rules, driven directly (no sockets)."""

from __future__ import annotations

import asyncio

from localoci.kafka import Code
from localoci.kafka.coordinator import COMPLETING, EMPTY, PREPARING, STABLE, Coordinator

POOL, GROUP = "ocid1.streampool.x", "g"
RANGE = [("range", b"meta-r"), ("roundrobin", b"meta-rr")]


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 10))


async def join(
    c: Coordinator,
    member: str = "",
    protocols=RANGE,
    session_ms: int = 6000,
    rebalance_ms: int = 2000,
    client: str = "c",
):
    return await c.join(
        POOL,
        GROUP,
        member,
        client_id=client,
        client_host="/127.0.0.1",
        session_timeout_ms=session_ms,
        rebalance_timeout_ms=rebalance_ms,
        protocol_type="consumer",
        protocols=protocols,
    )


def test_a_lone_member_becomes_leader_of_generation_one():
    async def go():
        c = Coordinator()
        r = await join(c)
        assert (r.error, r.generation, r.protocol, r.leader) == (Code.NONE, 1, "range", r.member_id)
        assert r.members == ((r.member_id, None, b"meta-r"),)
        s = await c.sync(POOL, GROUP, r.member_id, 1, {r.member_id: b"assign"})
        assert (s.error, s.assignment) == (Code.NONE, b"assign")
        assert c.group(POOL, GROUP).state == STABLE

    run(go())


def test_a_second_member_triggers_a_rebalance_both_rejoin_and_only_the_leader_gets_members():
    async def go():
        c = Coordinator()
        first = await join(c, client="a")
        await c.sync(POOL, GROUP, first.member_id, 1, {first.member_id: b"all"})
        second = asyncio.ensure_future(join(c, client="b"))
        await asyncio.sleep(0.01)
        assert c.group(POOL, GROUP).state == PREPARING
        assert c.heartbeat(POOL, GROUP, first.member_id, 1) == Code.REBALANCE_IN_PROGRESS
        again = await join(c, first.member_id, client="a")
        other = await second
        assert again.generation == other.generation == 2
        assert again.leader == first.member_id and len(again.members) == 2 and other.members == ()
        assert c.group(POOL, GROUP).state == COMPLETING
        follower = asyncio.ensure_future(c.sync(POOL, GROUP, other.member_id, 2, {}))
        await asyncio.sleep(0.01)
        lead = await c.sync(
            POOL, GROUP, first.member_id, 2, {first.member_id: b"p0", other.member_id: b"p1"}
        )
        assert (lead.assignment, (await follower).assignment) == (b"p0", b"p1")

    run(go())


def test_the_protocol_is_one_every_member_supports():
    async def go():
        c = Coordinator()
        a = asyncio.ensure_future(join(c, protocols=[("range", b""), ("roundrobin", b"")]))
        await asyncio.sleep(0)
        ra = await a
        b = asyncio.ensure_future(join(c, protocols=[("roundrobin", b"x")]))
        await asyncio.sleep(0.01)
        ra2 = await join(c, ra.member_id, protocols=[("range", b""), ("roundrobin", b"")])
        assert ra2.protocol == (await b).protocol == "roundrobin"
        bad = await join(c, protocols=[("sticky", b"")])
        assert bad.error == Code.INCONSISTENT_GROUP_PROTOCOL

    run(go())


def test_members_that_do_not_rejoin_in_time_are_removed():
    async def go():
        c = Coordinator()
        a = await join(c, rebalance_ms=300)
        await c.sync(POOL, GROUP, a.member_id, 1, {})
        b = await asyncio.wait_for(join(c, rebalance_ms=300), 3)  # a never rejoins
        assert b.error == Code.NONE and b.generation == 2 and b.leader == b.member_id
        assert c.heartbeat(POOL, GROUP, a.member_id, 1) == Code.UNKNOWN_MEMBER_ID

    run(go())


def test_stale_generations_and_strangers_are_told_so():
    async def go():
        c = Coordinator()
        a = await join(c)
        await c.sync(POOL, GROUP, a.member_id, 1, {})
        assert c.heartbeat(POOL, GROUP, a.member_id, 1) == Code.NONE
        assert c.heartbeat(POOL, GROUP, a.member_id, 0) == Code.ILLEGAL_GENERATION
        assert c.heartbeat(POOL, GROUP, "who", 1) == Code.UNKNOWN_MEMBER_ID
        assert (await join(c, "who")).error == Code.UNKNOWN_MEMBER_ID
        assert c.check_commit(POOL, GROUP, a.member_id, 0) == Code.ILLEGAL_GENERATION
        assert c.check_commit(POOL, GROUP, "", -1) == Code.UNKNOWN_MEMBER_ID  # group is active
        assert c.check_commit(POOL, "idle-group", "", -1) == Code.NONE

    run(go())


def test_a_silent_member_expires_after_its_session_timeout():
    async def go():
        c = Coordinator(min_session_ms=100)
        c.start()
        try:
            a = await join(c, session_ms=300)
            await c.sync(POOL, GROUP, a.member_id, 1, {})
            await asyncio.sleep(0.9)
            assert c.heartbeat(POOL, GROUP, a.member_id, 1) == Code.UNKNOWN_MEMBER_ID
            assert c.group(POOL, GROUP).state == EMPTY
        finally:
            await c.stop()

    run(go())


def test_leaving_rebalances_the_rest_and_empties_the_group_last():
    async def go():
        c = Coordinator()
        a = await join(c)
        b_task = asyncio.ensure_future(join(c))
        await asyncio.sleep(0.01)
        await join(c, a.member_id)
        b = await b_task
        assert c.leave(POOL, GROUP, a.member_id) == Code.NONE
        assert c.group(POOL, GROUP).state == PREPARING
        assert (await join(c, b.member_id)).generation == 3
        assert c.leave(POOL, GROUP, b.member_id) == Code.NONE
        g = c.group(POOL, GROUP)
        assert (g.state, g.members) == (EMPTY, {})
        assert c.leave(POOL, GROUP, b.member_id) == Code.UNKNOWN_MEMBER_ID

    run(go())


def test_session_timeouts_outside_the_bounds_are_refused():
    async def go():
        c = Coordinator()
        assert (await join(c, session_ms=1000)).error == Code.INVALID_SESSION_TIMEOUT

    run(go())
