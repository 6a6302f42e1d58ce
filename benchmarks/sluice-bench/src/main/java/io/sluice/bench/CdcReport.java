package io.sluice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.engine.sync.ChangeLogOptions;
import io.sluice.engine.sync.SyncOptions;
import io.sluice.engine.sync.SyncReport;
import io.sluice.engine.sync.SyncRunner;
import io.sluice.spi.Destination;
import io.sluice.spi.Source;
import io.sluice.spi.StreamSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** What the change-log benchmarks share: a bounded cdc sync through the engine, and how results are reported. */
final class CdcReport {
  private CdcReport() {}

  /**
   * Sluice's measurement: a bounded cdc sync applying what the change log holds beyond the state's position,
   * timed, with the heap sampled.
   */
  static Measurement measureApply(Source source, Destination destination, StreamSpec spec, StateStore state)
      throws Exception {
    System.gc();
    try (PeakMemorySampler memory = new PeakMemorySampler()) {
      long start = System.nanoTime();
      SyncRunner runner = boundedSync(source, destination, spec, state);
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Measurement("sluice (cdc apply into Iceberg)", runner.progress().get(0).changesCommitted(),
          runner.progress().get(0).bytesRead(), seconds, memory.peakHeapBytes());
    }
  }

  /** One bounded cdc sync of {@code spec}, as {@code sluice sync} runs it; fails when the sync does. */
  static SyncRunner boundedSync(Source source, Destination destination, StreamSpec spec, StateStore state)
      throws InterruptedException {
    SyncRunner runner = new SyncRunner(source, destination, List.of(ConfiguredStream.of(spec)), state,
        SyncOptions.DEFAULTS, Clock.systemUTC(), ChangeLogOptions.DEFAULTS);
    SyncReport report = runner.run();
    if (!report.succeeded()) {
      throw new IllegalStateException("the Sluice cdc sync failed", report.streams().get(0).failure().orElseThrow());
    }
    return runner;
  }

  /**
   * Prints both measurements and their ratio, writes them to {@code json} when given, and fails when Sluice applied
   * another number of changes than were made.
   */
  static void report(Path json, String benchmark, int rows, int made, Measurement limit, Measurement sluice)
      throws Exception {
    report(json, benchmark, rows, made, limit, sluice, List.of());
  }

  /** As above, with peers: each printed with the ratio sluice/peer. */
  static void report(Path json, String benchmark, int rows, int made, Measurement limit, Measurement sluice,
      List<Measurement> peers) throws Exception {
    List<Measurement> all = new java.util.ArrayList<>(List.of(limit, sluice));
    all.addAll(peers);
    for (Measurement m : all) {
      System.out.printf(Locale.ROOT, "%-42s %,12d changes %8.2fs %,12.0f changes/s%s%n", m.name(), m.rows(),
          m.seconds(), m.rowsPerSecond(),
          m.peakHeapBytes() > 0 ? String.format(Locale.ROOT, "  peak heap %d MiB", m.peakHeapBytes() >> 20) : "");
    }
    double ratio = sluice.rowsPerSecond() / limit.rowsPerSecond();
    System.out.printf(Locale.ROOT, "ratio sluice/limit: %.2f   peak RSS of this JVM: %d MiB%n", ratio,
        PeakMemorySampler.peakResidentBytes() >> 20);
    for (Measurement peer : peers) {
      System.out.printf(Locale.ROOT, "ratio sluice/%s: %.2f%n", peer.name(), sluice.rowsPerSecond()
          / peer.rowsPerSecond());
    }
    if (sluice.rows() != made) {
      throw new IllegalStateException("Sluice applied " + sluice.rows() + " changes, expected " + made);
    }
    if (json != null) {
      ObjectNode root = JsonNodeFactory.instance.objectNode().put("benchmark", benchmark)
          .put("date", LocalDate.now().toString()).put("cores", Runtime.getRuntime().availableProcessors())
          .put("rows", rows).put("changes", made).put("ratio_sluice_limit", ratio)
          .put("peak_rss_bytes", PeakMemorySampler.peakResidentBytes());
      var ratios = root.putObject("ratio_sluice_peer");
      for (Measurement peer : peers) {
        ratios.put(peer.name(), sluice.rowsPerSecond() / peer.rowsPerSecond());
      }
      var results = root.putArray("results");
      for (Measurement m : all) {
        results.addObject().put("name", m.name()).put("changes", m.rows()).put("seconds", m.seconds())
            .put("changes_per_second", m.rowsPerSecond()).put("peak_heap_bytes", m.peakHeapBytes());
      }
      Files.writeString(json, JsonFiles.toText(root), StandardCharsets.UTF_8);
    }
  }
}
