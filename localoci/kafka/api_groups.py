"""Consumer groups on the wire: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
OffsetFetch, DescribeGroups, ListGroups.  Membership rules are in ``coordinator.py``; this
module translates requests and responses and keeps committed offsets in the backend.

Rules for offsets:

* groups are per stream pool (the SASL principal's), apart from REST consumer groups;
* OffsetCommit is checked against the group (``Coordinator.check_commit``) and per partition
  (unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION; metadata over 4096 characters:
  OFFSET_METADATA_TOO_LARGE); the accepted offsets are stored in one backend call;
* OffsetFetch returns ``committed_offset`` -1 and metadata "" where nothing was committed;
  with ``topics`` null (v2+) it returns every committed partition of the group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kafka.protocol import admin, consumer

from .api_meta import topic_map
from .backend import CommittedOffset, StreamPartition
from .coordinator import DEAD, EMPTY
from .errors import Code

if TYPE_CHECKING:
    from .connection import Connection

MAX_METADATA = 4096


def _pool(conn: Connection) -> str:
    return conn.who.pool_id


async def handle_join(conn: Connection, version: int, req):
    r = await conn.listener.coordinator.join(
        _pool(conn),
        req.group_id,
        req.member_id,
        client_id=conn.client_id,
        client_host=conn.client_host,
        session_timeout_ms=req.session_timeout_ms,
        rebalance_timeout_ms=req.rebalance_timeout_ms if version >= 1 else -1,
        protocol_type=req.protocol_type,
        protocols=[(p.name, bytes(p.metadata or b"")) for p in req.protocols],
        group_instance_id=req.group_instance_id if version >= 5 else None,
    )
    resp = consumer.JoinGroupResponse
    return resp(
        version=version,
        throttle_time_ms=0,
        error_code=int(r.error),
        generation_id=r.generation,
        protocol_type=r.protocol_type,
        protocol_name=r.protocol if r.protocol is not None else ("" if version < 7 else None),
        leader=r.leader,
        skip_assignment=False,
        member_id=r.member_id or req.member_id,
        members=[
            resp.JoinGroupResponseMember(member_id=m, group_instance_id=i, metadata=md)
            for m, i, md in r.members
        ],
    )


async def handle_sync(conn: Connection, version: int, req):
    r = await conn.listener.coordinator.sync(
        _pool(conn),
        req.group_id,
        req.member_id,
        req.generation_id,
        {a.member_id: bytes(a.assignment or b"") for a in req.assignments or []},
        req.protocol_type if version >= 5 else None,
        req.protocol_name if version >= 5 else None,
    )
    return consumer.SyncGroupResponse(
        version=version,
        throttle_time_ms=0,
        error_code=int(r.error),
        protocol_type=r.protocol_type,
        protocol_name=r.protocol,
        assignment=r.assignment,
    )


async def handle_heartbeat(conn: Connection, version: int, req):
    code = conn.listener.coordinator.heartbeat(
        _pool(conn), req.group_id, req.member_id, req.generation_id
    )
    return consumer.HeartbeatResponse(version=version, throttle_time_ms=0, error_code=int(code))


async def handle_leave(conn: Connection, version: int, req):
    coord = conn.listener.coordinator
    resp = consumer.LeaveGroupResponse
    if version < 3:
        code = coord.leave(_pool(conn), req.group_id, req.member_id)
        return resp(version=version, throttle_time_ms=0, error_code=int(code))
    members = [
        resp.MemberResponse(
            member_id=m.member_id,
            group_instance_id=m.group_instance_id,
            error_code=int(coord.leave(_pool(conn), req.group_id, m.member_id)),
        )
        for m in req.members
    ]
    return resp(version=version, throttle_time_ms=0, error_code=0, members=members)


async def handle_offset_commit(conn: Connection, version: int, req):
    resp = consumer.OffsetCommitResponse
    topic_cls = resp.OffsetCommitResponseTopic
    part_cls = topic_cls.OffsetCommitResponsePartition
    group_code = conn.listener.coordinator.check_commit(
        _pool(conn), req.group_id, req.member_id, req.generation_id_or_member_epoch
    )
    if not req.group_id:
        group_code = Code.INVALID_GROUP_ID
    topics = topic_map(conn)
    accepted: dict[StreamPartition, CommittedOffset] = {}
    out = []
    for t in req.topics:
        topic = topics.get(t.name)
        parts = []
        for p in t.partitions:
            code = group_code
            if not code and (topic is None or not 0 <= p.partition_index < topic.partitions):
                code = Code.UNKNOWN_TOPIC_OR_PARTITION
            elif not code and len(p.committed_metadata or "") > MAX_METADATA:
                code = Code.OFFSET_METADATA_TOO_LARGE
            if not code and topic is not None:
                accepted[StreamPartition(topic.stream_id, p.partition_index)] = CommittedOffset(
                    p.committed_offset,
                    p.committed_metadata,
                    p.committed_leader_epoch if version >= 6 else -1,
                )
            parts.append(part_cls(partition_index=p.partition_index, error_code=int(code)))
        out.append(topic_cls(name=t.name, partitions=parts))
    if accepted:
        conn.backend.commit_offsets(conn.who, req.group_id, accepted)
        conn.listener.count("offsets.committed", len(accepted))
    return resp(version=version, throttle_time_ms=0, topics=out)


def _fetch_group(conn: Connection, group_id: str, wanted) -> list[tuple[str, list[tuple]]]:
    """``[(topic, [(partition, offset, leader_epoch, metadata, code)])]`` for one group."""
    topics = topic_map(conn)
    by_id = {t.stream_id: t for t in topics.values()}
    committed = conn.backend.committed_offsets(conn.who, group_id)
    if wanted is None:
        grouped: dict[str, list[tuple]] = {}
        for sp, c in sorted(committed.items()):
            if sp.stream_id in by_id:
                grouped.setdefault(by_id[sp.stream_id].name, []).append(
                    (sp.partition, c.offset, c.leader_epoch, c.metadata, Code.NONE)
                )
        return list(grouped.items())
    out = []
    for name, partitions in wanted:
        topic = topics.get(name)
        rows = []
        for p in partitions:
            got = committed.get(StreamPartition(topic.stream_id, p)) if topic else None
            rows.append(
                (p, got.offset, got.leader_epoch, got.metadata, Code.NONE)
                if got
                else (p, -1, -1, "", Code.NONE)
            )
        out.append((name, rows))
    return out


async def handle_offset_fetch(conn: Connection, version: int, req):
    resp = consumer.OffsetFetchResponse
    if version >= 8:
        g_cls = resp.OffsetFetchResponseGroup
        t_cls = g_cls.OffsetFetchResponseTopics
        p_cls = t_cls.OffsetFetchResponsePartitions
        groups = []
        for g in req.groups:
            wanted = None if g.topics is None else [(t.name, t.partition_indexes) for t in g.topics]
            topics = [
                t_cls(
                    name=n,
                    partitions=[
                        p_cls(
                            partition_index=p,
                            committed_offset=o,
                            committed_leader_epoch=e,
                            metadata=m,
                            error_code=int(c),
                        )
                        for p, o, e, m, c in rows
                    ],
                )
                for n, rows in _fetch_group(conn, g.group_id, wanted)
            ]
            groups.append(g_cls(group_id=g.group_id, topics=topics, error_code=0))
        return resp(version=version, throttle_time_ms=0, groups=groups)
    t_cls = resp.OffsetFetchResponseTopic
    p_cls = t_cls.OffsetFetchResponsePartition
    wanted = None if req.topics is None else [(t.name, t.partition_indexes) for t in req.topics]
    topics = [
        t_cls(
            name=n,
            partitions=[
                p_cls(
                    partition_index=p,
                    committed_offset=o,
                    committed_leader_epoch=e,
                    metadata=m,
                    error_code=int(c),
                )
                for p, o, e, m, c in rows
            ],
        )
        for n, rows in _fetch_group(conn, req.group_id, wanted)
    ]
    return resp(version=version, throttle_time_ms=0, topics=topics, error_code=0)


async def handle_describe_groups(conn: Connection, version: int, req):
    resp = admin.DescribeGroupsResponse
    g_cls = resp.DescribedGroup
    m_cls = g_cls.DescribedGroupMember
    with_offsets = set(conn.backend.offset_groups(conn.who))
    out = []
    for gid in req.groups:
        g = conn.listener.coordinator.group(_pool(conn), gid)
        if g is None:
            state = EMPTY if gid in with_offsets else DEAD
            out.append(
                g_cls(
                    error_code=0,
                    group_id=gid,
                    group_state=state,
                    protocol_type="",
                    protocol_data="",
                    members=[],
                )
            )
            continue
        members = [
            m_cls(
                member_id=m.member_id,
                group_instance_id=m.group_instance_id,
                client_id=m.client_id,
                client_host=m.client_host,
                member_metadata=m.metadata(g.protocol),
                member_assignment=m.assignment,
            )
            for m in g.members.values()
        ]
        out.append(
            g_cls(
                error_code=0,
                group_id=gid,
                group_state=g.state,
                protocol_type=g.protocol_type or "",
                protocol_data=g.protocol or "",
                members=members,
            )
        )
    return resp(version=version, throttle_time_ms=0, groups=out)


async def handle_list_groups(conn: Connection, version: int, req):
    resp = admin.ListGroupsResponse
    states: dict[str, tuple[str, str]] = {
        g: (EMPTY, "consumer") for g in conn.backend.offset_groups(conn.who)
    }
    for g in conn.listener.coordinator.pool_groups(_pool(conn)):
        if g.members or g.group_id in states:
            states[g.group_id] = (g.state, g.protocol_type or "consumer")
    wanted = set(req.states_filter or []) if version >= 4 else set()
    return resp(
        version=version,
        throttle_time_ms=0,
        error_code=0,
        groups=[
            resp.ListedGroup(
                group_id=gid, protocol_type=ptype, group_state=state, group_type="classic"
            )
            for gid, (state, ptype) in sorted(states.items())
            if not wanted or state in wanted
        ],
    )


HANDLERS = {
    11: handle_join,
    14: handle_sync,
    12: handle_heartbeat,
    13: handle_leave,
    8: handle_offset_commit,
    9: handle_offset_fetch,
    15: handle_describe_groups,
    16: handle_list_groups,
}
