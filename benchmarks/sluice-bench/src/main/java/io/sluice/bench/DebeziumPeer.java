package io.sluice.bench;

import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.format.Json;
import io.sluice.testkit.PostgresServer;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The benchmarks' peer: Debezium's embedded engine (its PostgreSQL connector) delivering the same rows or changes
 * Sluice moves, into a consumer that counts records of the table's topic and discards them. Two set-ups: Connect
 * records (its cheapest) and JSON records (what Debezium Server users pay for). Offsets stay in memory; the slot the
 * engine reads is dropped when it stops.
 *
 * <ul>
 *   <li>{@link Job#SNAPSHOT}: an {@code initial_only} snapshot of the table ({@code snapshot.max.threads} 2), timed
 *       from the engine's start to the table's last row.
 *   <li>{@link Job#STREAM}: no snapshot; the engine streams from a pgoutput slot the benchmark created before making
 *       its changes (so it reads exactly those), through an existing publication, timed from the engine's start to
 *       the last change.
 * </ul>
 *
 * <p>The benchmarks run it in a JVM of its own ({@link #measureInChildJvm}), with a heap of its own ({@code
 * --peer-heap}, by default Sluice's 1 GiB), so each side's memory is its own. Its snapshot reads chunks of about
 * {@link #CHUNK_ROWS} rows: with Debezium's default of one chunk per thread it holds half the table at a time and ran
 * out of 4 GiB at 5 M rows. A peer that runs out of memory anyway is reported as failed, with the rate it had reached.
 */
final class DebeziumPeer {
  private DebeziumPeer() {}

  /** How the peer hands records to its consumer. */
  enum Format {
    CONNECT("Connect records"),
    JSON("JSON records");

    private final String label;

    Format(String label) {
      this.label = label;
    }
  }

  /** What the peer does. */
  enum Job {
    SNAPSHOT,
    STREAM
  }

  /**
   * What to read. For {@link Job#STREAM}, {@code slot} and {@code publication} exist already; for a snapshot they are
   * the engine's own (created, and the slot dropped on stop).
   */
  record Target(String host, int port, String schema, String table, Job job, String slot, String publication,
      long chunksPerThread) {
    /** A snapshot of {@code rows} rows, read by two threads in chunks of about {@link #CHUNK_ROWS}. */
    static Target snapshot(PostgresServer server, String schema, String table, long rows, Format format) {
      String name = "bench_peer_" + format.name().toLowerCase(Locale.ROOT);
      return new Target(server.host(), server.port(), schema, table, Job.SNAPSHOT, name, name,
          Math.max(1, rows / (2 * CHUNK_ROWS)));
    }

    static Target stream(PostgresServer server, String schema, String table, String slot, String publication) {
      return new Target(server.host(), server.port(), schema, table, Job.STREAM, slot, publication, 1);
    }

    List<String> arguments() {
      return List.of(host, String.valueOf(port), schema, table, job.name(), slot, publication,
          String.valueOf(chunksPerThread));
    }

    static Target of(List<String> arguments) {
      return new Target(arguments.get(0), Integer.parseInt(arguments.get(1)), arguments.get(2), arguments.get(3),
          Job.valueOf(arguments.get(4)), arguments.get(5), arguments.get(6), Long.parseLong(arguments.get(7)));
    }
  }

  /** Rows per chunk of the peer's snapshot (Sluice's own default chunk is 500,000 rows, streamed). */
  static final long CHUNK_ROWS = 50_000;

  /**
   * {@link #measure} in a child JVM with {@code heap} (e.g. {@code 4g}); its logs go to this process's stderr.
   *
   * @param expected records to wait for: the table's rows, or the changes made
   */
  static Measurement measureInChildJvm(Target target, long expected, Format format, String heap, long timeoutSeconds)
      throws Exception {
    // ExitOnOutOfMemoryError: an engine whose heap ran out otherwise lingers with its non-daemon threads
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError", "-cp",
        System.getProperty("java.class.path"), DebeziumPeer.class.getName(), String.valueOf(expected), format.name(),
        String.valueOf(timeoutSeconds)));
    command.addAll(target.arguments());
    long started = System.nanoTime();
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String last = null;
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        // "n seconds": progress every few seconds, the result last; the JVM may add its own lines (an
        // out-of-memory exit says so on standard output)
        last = line.matches("\\d+ [0-9.E-]+") ? line : last;
      }
    }
    int exit = child.waitFor();
    String[] result = (last == null ? "0 " + (System.nanoTime() - started) / 1e9 : last).split(" ");
    long delivered = Long.parseLong(result[0]);
    double seconds = Double.parseDouble(result[1]);
    String outcome;
    if (exit == 0) {
      outcome = delivered < expected ? ", STOPPED at the time limit: "
          + String.format(Locale.ROOT, "%,d of %,d", delivered, expected) : "";
    } else if (exit == OUT_OF_MEMORY_EXIT) {
      outcome = String.format(Locale.ROOT, ", FAILED: out of memory after %,d of %,d", delivered, expected);
    } else {
      throw new IllegalStateException("the Debezium peer (" + format + ", -Xmx" + heap + ") failed with exit "
          + exit + "; see its log above");
    }
    return new Measurement("peer (Debezium, " + format.label + ", -Xmx" + heap + outcome + ")", delivered, -1,
        seconds, -1);
  }

  /** What the JVM exits with on {@code -XX:+ExitOnOutOfMemoryError}. */
  private static final int OUT_OF_MEMORY_EXIT = 3;

  /**
   * The child JVM: {@code expected format timeout-seconds} then the target's arguments. Prints "{@code n seconds}"
   * every five seconds (so a run that dies still has a rate) and once more at the end.
   */
  public static void main(String[] args) throws Exception {
    Target target = Target.of(List.of(args).subList(3, args.length));
    Measurement measurement = measure(target, Long.parseLong(args[0]), Format.valueOf(args[1]),
        Long.parseLong(args[2]), (delivered, seconds) -> System.out.println(delivered + " " + seconds));
    System.out.println(measurement.rows() + " " + measurement.seconds());
    System.exit(0);
  }

  /** Hears of the peer's progress. */
  interface Progress {
    void delivered(long records, double seconds);
  }

  static Measurement measure(Target target, long expected, Format format, long timeoutSeconds) throws Exception {
    return measure(target, expected, format, timeoutSeconds, (records, seconds) -> { });
  }

  /**
   * Runs the engine until it delivered {@code expected} records of the table, or {@code timeoutSeconds} passed:
   * the measurement then holds the records delivered and the time they took (a rate the rest would not have
   * beaten, since the engine only slows down as its heap fills).
   */
  static Measurement measure(Target target, long expected, Format format, long timeoutSeconds, Progress progress)
      throws Exception {
    String topic = "bench." + target.schema() + "." + target.table();
    AtomicLong records = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    DebeziumEngine.CompletionCallback completion = (success, message, error) -> {
      if (!success && error != null) {
        failure.set(error);
      }
      done.countDown();
    };
    ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "debezium-peer");
      thread.setDaemon(true);
      return thread;
    });
    long start = System.nanoTime();
    long[] end = new long[1];
    Closeable engine;
    if (format == Format.CONNECT) {
      DebeziumEngine<RecordChangeEvent<SourceRecord>> connect = DebeziumEngine.create(ChangeEventFormat.of(
          Connect.class)).using(properties(target)).using(completion).notifying(event -> {
            if (topic.equals(event.record().topic()) && records.incrementAndGet() == expected) {
              end[0] = System.nanoTime();
              done.countDown();
            }
          }).build();
      executor.execute(connect);
      engine = connect;
    } else {
      DebeziumEngine<ChangeEvent<String, String>> json = DebeziumEngine.create(Json.class).using(properties(target))
          .using(completion).notifying(event -> {
            if (topic.equals(event.destination()) && event.value() != null
                && records.incrementAndGet() == expected) {
              end[0] = System.nanoTime();
              done.countDown();
            }
          }).build();
      executor.execute(json);
      engine = json;
    }
    long delivered = expected;
    try {
      long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      boolean finished = false;
      for (long left = deadline - start; !finished && left > 0; left = deadline - System.nanoTime()) {
        finished = done.await(Math.min(left, TimeUnit.SECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
        if (!finished) {
          progress.delivered(records.get(), (System.nanoTime() - start) / 1e9);
        }
      }
      if (!finished) {
        end[0] = System.nanoTime();
        delivered = records.get();
      } else if (records.get() < expected) {
        throw new IllegalStateException("Debezium stopped after " + records.get() + " of " + expected
            + " records", failure.get());
      }
    } finally {
      // A snapshot stopped at the time limit may take long to close (or never, once its heap is full): wait a
      // minute at most; the child JVM exits after its result line either way.
      Thread closer = new Thread(() -> {
        try {
          engine.close();
        } catch (java.io.IOException e) {
          failure.compareAndSet(null, e);
        }
      }, "debezium-peer-close");
      closer.setDaemon(true);
      closer.start();
      closer.join(TimeUnit.MINUTES.toMillis(1));
      executor.shutdown();
    }
    return new Measurement("peer (Debezium, " + format.label + ")", delivered, -1, (end[0] - start) / 1e9, -1);
  }

  private static Properties properties(Target target) {
    Properties properties = new Properties();
    properties.setProperty("name", "sluice-bench-peer");
    properties.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    properties.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
    properties.setProperty("offset.flush.interval.ms", "60000");
    properties.setProperty("database.hostname", target.host());
    properties.setProperty("database.port", String.valueOf(target.port()));
    properties.setProperty("database.user", PostgresServer.USER);
    properties.setProperty("database.password", PostgresServer.PASSWORD);
    properties.setProperty("database.dbname", PostgresServer.DATABASE);
    properties.setProperty("topic.prefix", "bench");
    properties.setProperty("table.include.list", target.schema() + "." + target.table());
    properties.setProperty("plugin.name", "pgoutput");
    properties.setProperty("slot.name", target.slot());
    properties.setProperty("slot.drop.on.stop", "true");
    properties.setProperty("publication.name", target.publication());
    if (target.job() == Job.SNAPSHOT) {
      properties.setProperty("publication.autocreate.mode", "filtered");
      properties.setProperty("snapshot.mode", "initial_only");
      properties.setProperty("snapshot.max.threads", "2");
      properties.setProperty("snapshot.fetch.size", "10240");
      // Debezium reads a table in threads × multiplier chunks and holds a chunk's rows while it reads it: with the
      // default multiplier (1) a 5 M-row table ran out of 4 GiB. Chunks of about CHUNK_ROWS rows keep it bounded.
      properties.setProperty("snapshot.max.threads.multiplier", String.valueOf(target.chunksPerThread()));
    } else {
      properties.setProperty("publication.autocreate.mode", "disabled");
      properties.setProperty("snapshot.mode", "no_data");
    }
    return properties;
  }
}
