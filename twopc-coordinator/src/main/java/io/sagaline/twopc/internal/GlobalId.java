package io.sagaline.twopc.internal;

import java.util.Optional;
import java.util.UUID;

/**
 * The id of one global transaction, {@code sagaline-2pc:<coordinatorId>:<orderId>}, and the gids
 * of its branches, {@code <global id>:<branch>}. The prefix up to the coordinator id is how a
 * coordinator finds its own prepared transactions among everyone's in {@code pg_prepared_xacts}.
 */
record GlobalId(String coordinatorId, UUID orderId) {

    static final String SCHEME = "sagaline-2pc:";

    static GlobalId of(String coordinatorId, UUID orderId) {
        return new GlobalId(coordinatorId, orderId);
    }

    /** What every gid of {@code coordinatorId} starts with. */
    static String prefixOf(String coordinatorId) {
        return SCHEME + coordinatorId + ":";
    }

    /** The global id of a branch's gid; empty for a gid this scheme did not make. */
    static Optional<String> globalIdOf(String gid) {
        int last = gid.lastIndexOf(':');
        if (!gid.startsWith(SCHEME) || last <= SCHEME.length()) {
            return Optional.empty();
        }
        return Optional.of(gid.substring(0, last));
    }

    String value() {
        return prefixOf(coordinatorId) + orderId;
    }

    String gid(Branch branch) {
        return value() + ":" + branch.key();
    }

    @Override
    public String toString() {
        return value();
    }
}
