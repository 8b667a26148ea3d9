package io.sagaline.twopc.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The global transactions this process is between its first PREPARE and its last phase-two
 * statement: their prepared branches are its own business, not the resolver's. Thread-safe.
 */
final class InFlight {

    private final Set<String> globalIds = ConcurrentHashMap.newKeySet();

    void begin(GlobalId id) {
        globalIds.add(id.value());
    }

    void end(GlobalId id) {
        globalIds.remove(id.value());
    }

    boolean contains(String globalId) {
        return globalIds.contains(globalId);
    }

    int size() {
        return globalIds.size();
    }
}
