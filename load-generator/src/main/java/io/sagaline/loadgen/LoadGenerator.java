package io.sagaline.loadgen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The load generator's command line. {@code java -jar sagaline-load-generator.jar <command>
 * key=value ...}:
 *
 * <ul>
 *   <li>{@code run}: one fixed arrival rate against one target, with the commit ceiling measured
 *       first;
 *   <li>{@code ramp}: rising rates until the system no longer keeps up, then the highest rate
 *       sustained with p99 under the bound;
 *   <li>{@code ceiling}: the commit ceiling alone;
 *   <li>{@code idle}: CPU and memory per process of the running system while no order is placed;
 *   <li>{@code coldstart}: a fixed rate from the moment a freshly started system is ready, and how
 *       soon it keeps up;
 *   <li>{@code crash}: the 2PC baseline with a coordinator killed between its phases;
 *   <li>{@code plot}: renders the plots from the results file of earlier runs.
 * </ul>
 *
 * See docs/benchmarks.md for every option, and {@code bench/checkout} for the whole benchmark.
 */
public final class LoadGenerator {

    private LoadGenerator() {}

    public static void main(String[] args) {
        if (args.length == 0
                || !List.of("run", "ramp", "ceiling", "idle", "coldstart", "plot", "crash")
                        .contains(args[0])) {
            System.err.println(
                    "usage: load-generator run|ramp|ceiling|idle|coldstart|crash|plot [key=value ...] (docs/benchmarks.md)");
            System.exit(2);
        }
        var options = Options.parse(Arrays.asList(args).subList(1, args.length));
        try {
            int status = switch (args[0]) {
                case "plot" -> plot(options);
                case "ceiling" -> ceilingOnly(options);
                case "idle" -> Idle.measure(options);
                case "coldstart" -> ColdStart.measure(options);
                case "crash" -> TwoPhaseCrash.run(options);
                default -> load(args[0], options);
            };
            System.exit(status);
        } catch (IllegalArgumentException e) {
            System.err.println("load-generator: " + e.getMessage());
            System.exit(2);
        } catch (IllegalStateException e) {
            System.err.println("load-generator: " + e.getMessage());
            System.exit(1);
        }
    }

    private static int load(String command, Options options) {
        var progress = new Progress();
        var postgres = Postgres.from(options);
        String targetName = options.text("target", "saga");
        String label = options.text("label", targetName);
        Duration warmup = options.duration("warmup", Duration.ofSeconds(10));
        Duration window = options.duration("duration", Duration.ofSeconds(30));
        List<Integer> rates = command.equals("run")
                ? List.of(options.integer("rate", 150))
                : options.integers("rates", "10,20,40,60,80,100,150,200,250,300,400");
        Duration p99Bound = options.duration("p99Bound", Duration.ofMillis(250));
        int ceilingClients = options.integer("ceilingClients", 16);
        Duration ceilingDuration = options.duration("ceilingDuration", Duration.ofSeconds(10));
        int sagaTransactions = options.integer("transactionsPerSaga", OrderFlow.LOCAL_TRANSACTIONS);
        int maxInFlight = options.integer("maxInFlight", 20_000);
        Duration drain = options.duration("drain", Duration.ofSeconds(60));
        Path results = Path.of(options.text("results", "target/bench/results.csv"));
        // Fresh JVMs run interpreted until the JIT has compiled their hot paths, which takes
        // minutes of load on two cores; a run measures the system warm, as it runs in production.
        Duration prewarm = options.duration("prewarm", Duration.ofSeconds(60));
        int prewarmRate = options.integer("prewarmRate", 20);
        int expectedOrders = (int) (prewarmRate * prewarm.toSeconds())
                + rates.stream()
                        .mapToInt(rate -> (int) (rate * (warmup.plus(window).toSeconds())))
                        .sum();
        var workload = Workload.from(options, expectedOrders);

        try (var http = new Http();
                Target target = targetName.equals("2pc")
                        ? new TwoPhaseTarget(http, options)
                        : new SagaTarget(http, options, postgres)) {
            options.rejectUnknown();
            Report.machine(postgres);
            target.awaitIdle(progress);
            var ceiling = new Ceiling(postgres).measure(ceilingClients, ceilingDuration, progress);
            Report.ceiling(ceiling, sagaTransactions);
            workload.seed(http, target.seeding(), progress);

            var loop = new OpenLoop(target, workload, progress, maxInFlight, drain);
            var processes = ProcessTable.sagaline();
            if (!prewarm.isZero()) {
                progress.say(
                        "warming the JVMs up: %d orders/s for %d s, not measured ...",
                        prewarmRate, prewarm.toSeconds());
                loop.run("warm-up", prewarmRate, prewarm, Duration.ofSeconds(1), new OpenLoop.Window() {});
            }
            List<Report.Row> rows = new ArrayList<>();
            Integer highest = null;
            Integer keptUp = null;
            for (int rate : rates) {
                progress.say(
                        "%s at %d orders/s: %d s warm-up, %d s measured ...",
                        label, rate, warmup.toSeconds(), window.toSeconds());
                var probe = new Report.Probe(processes, postgres, target.databases());
                PhaseResult phase = loop.run(label, rate, warmup, window, probe);
                var row = probe.row(phase, ceiling, sagaTransactions);
                rows.add(row);
                Report.phase(row);
                Results.append(results, row);
                if (phase.sustained(p99Bound)) {
                    highest = rate;
                }
                if (phase.keptUp()) {
                    keptUp = rate;
                } else if (command.equals("ramp")) {
                    // beyond the rate a system keeps up with, its backlog only grows
                    progress.say("the system did not keep up with %d orders/s; the ramp stops", rate);
                    break;
                }
            }
            Report.table(rows);
            if (command.equals("ramp")) {
                System.out.printf(
                        "Highest rate sustained with p99 under %d ms: %s. Highest rate kept up with: %s.%n",
                        p99Bound.toMillis(),
                        highest == null ? "none" : highest + " orders/s",
                        keptUp == null ? "none" : keptUp + " orders/s");
            }
            System.out.println("Results appended to " + results.toAbsolutePath());
            return 0;
        }
    }

    private static int ceilingOnly(Options options) {
        var postgres = Postgres.from(options);
        int clients = options.integer("ceilingClients", 16);
        Duration duration = options.duration("ceilingDuration", Duration.ofSeconds(10));
        int sagaTransactions = options.integer("transactionsPerSaga", OrderFlow.LOCAL_TRANSACTIONS);
        options.rejectUnknown();
        Report.machine(postgres);
        Report.ceiling(new Ceiling(postgres).measure(clients, duration, new Progress()), sagaTransactions);
        return 0;
    }

    private static int plot(Options options) {
        Path results = Path.of(options.text("results", "target/bench/results.csv"));
        Path out = Path.of(options.text("out", "target/bench"));
        options.rejectUnknown();
        for (Path written : Plots.render(Results.read(results), out)) {
            System.out.println("wrote " + written);
        }
        return 0;
    }
}
