package io.sagaline.twopc.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** What the benchmark reads: the last recovery, and what is prepared right now. */
@RestController
class StatusController {

    private final Recovery recovery;
    private final PreparedTransactions prepared;

    StatusController(Recovery recovery, PreparedTransactions prepared) {
        this.recovery = recovery;
        this.prepared = prepared;
    }

    @GetMapping("/api/recovery")
    Recovery.RecoveryReport recovery() {
        Recovery.RecoveryReport report = recovery.report();
        if (report == null) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "recovery has not finished");
        }
        return report;
    }

    /** Prepared transactions of every coordinator in each branch database, and the locks they hold. */
    @GetMapping("/api/prepared")
    PreparedView prepared() {
        Map<String, PreparedTransactions.BranchStatistics> branches = new LinkedHashMap<>();
        long total = 0;
        long own = 0;
        long locks = 0;
        for (Branch branch : Branch.values()) {
            PreparedTransactions.BranchStatistics statistics = prepared.statistics(branch);
            branches.put(branch.key(), statistics);
            total += statistics.prepared();
            own += statistics.own();
            locks += statistics.locks();
        }
        return new PreparedView(total, own, locks, branches);
    }

    /**
     * @param prepared prepared transactions in the four branch databases
     * @param own those this coordinator prepared
     * @param locks {@code pg_locks} rows held by the prepared transactions
     */
    record PreparedView(
            long prepared, long own, long locks, Map<String, PreparedTransactions.BranchStatistics> branches) {}
}
