package io.sluice.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.IcebergReadBack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.data.Record;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice-bench chaos}: proves exactly-once under faults. On an embedded PostgreSQL or MariaDB
 * ({@code --source}), a CDC sync of a
 * table runs as a child process while a workload mutates the table; each trial starts the sync, waits a seeded
 * random time, injects a seeded random {@link Fault}, then pauses the workload, lets a bounded sync catch up, and
 * compares the Iceberg table with the source: row count, no key twice, and an order-independent checksum over
 * all columns. Exits 1 on any mismatch, naming the first differing keys.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true, description = "Kill, disconnect and starve a CDC sync at random moments under a "
    + "workload; after each fault the destination must equal the source.")
public final class ChaosCommand implements Callable<Integer> {
  private static final String PASSWORD_VARIABLE = "CHAOS_SOURCE_PASSWORD";

  @Option(names = "--trials", description = "Faults to inject (default: ${DEFAULT-VALUE}).")
  int trials = 10;

  @Option(names = "--seed", description = "Seed of the faults, their timing and the workload (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--rows", description = "Rows in the table before the first sync (default: ${DEFAULT-VALUE}).")
  int rows = 20_000;

  @Option(names = "--max-delay-ms", description = "Longest wait before a fault (default: ${DEFAULT-VALUE}).")
  int maxDelayMs = 6_000;

  @Option(names = "--source", description = "Source database: postgres or mariadb (default: ${DEFAULT-VALUE}).")
  String source = "postgres";

  @Option(names = "--work-dir", description = "Where the warehouse, state and logs go (default: a new temp directory).")
  Path workDir;

  /** One trial's outcome, for the report and for tests. */
  record Trial(int number, Fault fault, long delayMs, String phase, boolean equal, long rows, List<String> differences) {}

  private Path directory;
  private ChaosServer server;

  @Override
  public Integer call() throws Exception {
    List<Trial> results = run();
    long equal = results.stream().filter(Trial::equal).count();
    System.out.printf(Locale.ROOT, "chaos: %d/%d trials equal (seed %d, %s)%n", equal, results.size(), seed,
        source);
    return equal == results.size() ? 0 : 1;
  }

  /** Runs every trial and returns the outcomes; the table is compared after each. */
  public List<Trial> run() throws Exception {
    directory = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("sluice-chaos-");
    Random random = new Random(seed);
    List<Trial> results = new ArrayList<>();
    try (ChaosServer started = startServer()) {
      server = started;
      server.createTable(rows);
      writeConfigs();
      runCli(List.of("discover", "--source", file("source.json"), "--output", file("streams.json")),
          Duration.ofMinutes(2), true);
      useChangeLog();
      try (Connection workloadConnection = server.connect()) {
        ChaosWorkload workload = new ChaosWorkload(workloadConnection, seed, rows);
        Thread workloadThread = new Thread(workload, "chaos-workload");
        workloadThread.start();
        try {
          for (int number = 1; number <= trials; number++) {
            Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
            long delay = 300 + random.nextInt(Math.max(1, maxDelayMs - 300));
            Trial trial = trial(number, fault, delay, workload);
            results.add(trial);
            System.out.printf(Locale.ROOT, "trial %2d/%d  %-20s after %5.1f s (%s)  -> %s%n", number, trials,
                fault.name().toLowerCase(Locale.ROOT), delay / 1000.0, trial.phase(),
                trial.equal() ? String.format(Locale.ROOT, "equal: %,d rows", trial.rows())
                    : "MISMATCH: " + String.join("; ", trial.differences()));
            if (workload.failure() != null) {
              throw new IllegalStateException("the workload failed: " + workload.failure().getMessage(),
                  workload.failure());
            }
          }
        } finally {
          workload.stop();
          workloadThread.join(30_000);
        }
      }
    }
    return results;
  }

  private ChaosServer startServer() {
    return switch (source) {
      case "postgres" -> new PostgresChaosServer();
      case "mariadb", "mysql" -> new MariaDbChaosServer();
      default -> throw new IllegalArgumentException("Invalid option --source: '" + source
          + "', expected postgres or mariadb");
    };
  }

  private Trial trial(int number, Fault fault, long delayMs, ChaosWorkload workload) throws Exception {
    workload.resume();
    List<String> sync = new ArrayList<>(syncArguments());
    sync.addAll(List.of("--continuous", "--commit-interval-seconds", "1", "--commit-events", "2000"));
    Process child = startCli(sync);
    Thread.sleep(delayMs);
    String phase = phase(child);
    switch (fault) {
      case KILL -> child.destroyForcibly().waitFor();
      case TERMINATE_CONNECTIONS -> {
        server.terminateSyncSessions();
        Thread.sleep(3_000); // the sync retries and goes on
        stop(child);
      }
      case CATALOG_UNAVAILABLE -> {
        lockCatalog(Duration.ofSeconds(4));
        stop(child);
      }
    }
    workload.pause();
    catchUp();
    TableChecksum expected = server.content();
    TableChecksum actual = destination();
    boolean equal = actual.sameAs(expected);
    return new Trial(number, fault, delayMs, phase, equal, actual.count(),
        equal ? List.of() : actual.firstDifferences(expected, 5));
  }

  /** Where the sync stood when the fault hit, from its state file. */
  private String phase(Process child) {
    if (!child.isAlive()) {
      return "sync had exited with " + child.exitValue();
    }
    Path state = directory.resolve("state.json");
    if (!Files.exists(state)) {
      return "before the first commit";
    }
    try {
      JsonNode stream = JsonFiles.readObject(state).at("/streams/chaos.items");
      if (stream.has("load")) {
        return "during the backfill";
      }
      return stream.at("/change_log/backfilled").asBoolean() ? "while streaming" : "publishing the backfill";
    } catch (RuntimeException e) {
      return "state unreadable: " + e.getMessage();
    }
  }

  /** A bounded sync until it succeeds (a slot still held by a dying session may need a retry). */
  private void catchUp() throws Exception {
    for (int attempt = 1; ; attempt++) {
      int exit = runCli(syncArguments(), Duration.ofMinutes(5), false);
      if (exit == 0) {
        return;
      }
      if (attempt == 3) {
        throw new IllegalStateException("the catch-up sync failed 3 times; see " + directory.resolve("child.log"));
      }
      Thread.sleep(2_000);
    }
  }

  /** Holds an exclusive transaction on the SQLite catalog: commits meanwhile cannot update the table pointer. */
  private void lockCatalog(Duration duration) throws Exception {
    Path catalog = directory.resolve("warehouse").resolve("catalog.db");
    if (!Files.exists(catalog)) {
      Thread.sleep(duration.toMillis());
      return;
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + catalog);
        Statement statement = connection.createStatement()) {
      statement.execute("BEGIN EXCLUSIVE");
      Thread.sleep(duration.toMillis());
      statement.execute("ROLLBACK");
    }
  }

  /** SIGTERM, then SIGKILL if the sync does not stop within 30 s. */
  private static void stop(Process child) throws InterruptedException {
    child.destroy();
    if (!child.waitFor(30, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor();
    }
  }

  private TableChecksum destination() throws IOException {
    TableChecksum checksum = new TableChecksum();
    try (IcebergReadBack iceberg = new IcebergReadBack(directory.resolve("warehouse"))) {
      for (Record r : iceberg.rows("chaos", "items")) {
        checksum.add((Long) r.getField("id"), r.getField("n"), r.getField("body"), r.getField("amount"),
            r.getField("ts"));
      }
    }
    return checksum;
  }

  private void writeConfigs() throws IOException {
    ObjectNode sourceConfig = server.sourceConfig(PASSWORD_VARIABLE);
    ObjectNode destination = JsonNodeFactory.instance.objectNode()
        .put("type", "iceberg").put("warehouse", directory.resolve("warehouse").toString());
    Files.writeString(directory.resolve("source.json"), JsonFiles.toText(sourceConfig));
    Files.writeString(directory.resolve("destination.json"), JsonFiles.toText(destination));
  }

  private void useChangeLog() throws IOException {
    ObjectNode root = (ObjectNode) JsonFiles.readObject(directory.resolve("streams.json"));
    for (JsonNode stream : root.get("streams")) {
      ((ObjectNode) stream).put("sync_mode", "cdc");
    }
    Files.writeString(directory.resolve("streams.json"), JsonFiles.toText(root));
  }

  private List<String> syncArguments() {
    return List.of("sync", "--source", file("source.json"), "--destination", file("destination.json"),
        "--streams", file("streams.json"), "--state", file("state.json"), "--max-retries", "3");
  }

  private String file(String name) {
    return directory.resolve(name).toString();
  }

  private int runCli(List<String> arguments, Duration timeout, boolean mustSucceed) throws Exception {
    Process process = startCli(arguments);
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("sluice " + arguments.get(0) + " did not finish within " + timeout
          + "; see " + directory.resolve("child.log"));
    }
    if (mustSucceed && process.exitValue() != 0) {
      throw new IllegalStateException("sluice " + arguments.get(0) + " failed with exit " + process.exitValue()
          + "; see " + directory.resolve("child.log"));
    }
    return process.exitValue();
  }

  /** The CLI in a child JVM with this process's class path; its output is appended to {@code child.log}. */
  private Process startCli(List<String> arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), "io.sluice.cli.Main"));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("child.log").toFile()));
    builder.environment().putAll(Map.of(PASSWORD_VARIABLE, server.password()));
    return builder.start();
  }
}
