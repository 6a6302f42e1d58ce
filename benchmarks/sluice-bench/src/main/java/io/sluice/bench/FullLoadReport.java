package io.sluice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** How full-load benchmarks report: a line per measurement, the ratio, and optionally the same as JSON. */
final class FullLoadReport {
  private FullLoadReport() {}

  /**
   * The limit measured twice, right before and right after Sluice's run. Machines here drift (a shared host's CPU
   * can be 30-40% slower for minutes), so one limit run can be far from the limit while Sluice ran; the mean of the
   * two runs that bracket it is the limit Sluice is compared with, and their spread tells how noisy the machine was.
   */
  record Limit(CpuAccounting.Timed<Measurement> before, CpuAccounting.Timed<Measurement> after) {
    double rowsPerSecond() {
      return (before.result().rowsPerSecond() + after.result().rowsPerSecond()) / 2;
    }

    /** How far apart the two runs are, relative to their mean. */
    double spread() {
      return Math.abs(before.result().rowsPerSecond() - after.result().rowsPerSecond()) / rowsPerSecond();
    }
  }

  /**
   * Prints each measurement, the CPU that the limit's, the source's and Sluice's runs used on each side
   * ({@code server} names the database), then sluice/limit, source alone/limit and sluice/peer for each peer.
   */
  static void print(Limit limit, CpuAccounting.Timed<Measurement> sourceAlone, CpuAccounting.Timed<Measurement> sluice,
      List<Measurement> peers, String server) {
    List<Measurement> all = new java.util.ArrayList<>(List.of(limit.before().result(), sourceAlone.result(),
        sluice.result(), limit.after().result()));
    all.addAll(peers);
    String name = "%-" + all.stream().mapToInt(m -> m.name().length()).max().orElse(1) + "s";
    for (Measurement m : all) {
      System.out.printf(Locale.ROOT, name + " %,12d rows %8.2fs %,12.0f rows/s %s%s%n", m.name(), m.rows(),
          m.seconds(), m.rowsPerSecond(), m.bytes() < 0 ? "            "
              : String.format(Locale.ROOT, "%8.1f MB/s", m.megabytesPerSecond()),
          m.peakHeapBytes() > 0 ? String.format(Locale.ROOT, "  peak heap %d MiB", m.peakHeapBytes() >> 20) : "");
    }
    System.out.printf(Locale.ROOT, "ratio sluice/limit: %.2f (limit: %,.0f rows/s, the mean of the runs before and "
        + "after Sluice, %.0f%% apart)   peak RSS of this JVM: %d MiB%n", sluice.result().rowsPerSecond()
        / limit.rowsPerSecond(), limit.rowsPerSecond(), 100 * limit.spread(),
        PeakMemorySampler.peakResidentBytes() >> 20);
    System.out.printf(Locale.ROOT, "ratio source alone/limit: %.2f (what a destination that cost nothing would "
        + "reach with this source and chunk plan)%n", sourceAlone.result().rowsPerSecond() / limit.rowsPerSecond());
    for (Measurement peer : peers) {
      System.out.printf(Locale.ROOT, "ratio sluice/%s: %.2f%n", peer.name(), sluice.result().rowsPerSecond()
          / peer.rowsPerSecond());
    }
    for (CpuAccounting.Timed<Measurement> run : List.of(limit.before(), sourceAlone, sluice, limit.after())) {
      System.out.printf(Locale.ROOT, name + " %s%n", run.result().name().replaceAll(" \\(.*", ""),
          run.cpu().describe(run.result().rows(), server));
    }
  }

  /** Fails the benchmark when Sluice loaded another number of rows than the table holds. */
  static void requireAllRows(Measurement sluice, long rows) {
    if (sluice.rows() != rows) {
      throw new IllegalStateException("Sluice loaded " + sluice.rows() + " rows, the table holds " + rows);
    }
  }

  static void writeJson(Path file, String benchmark, long rows, long tableBytes, Limit limit,
      CpuAccounting.Timed<Measurement> sourceAlone, CpuAccounting.Timed<Measurement> sluice, List<Measurement> peers)
      throws Exception {
    ObjectNode root = json(benchmark, rows, tableBytes, limit, sourceAlone.result(), sluice.result(), peers);
    var cpu = root.putObject("cpu_seconds");
    for (CpuAccounting.Timed<Measurement> run : List.of(limit.before(), sourceAlone, sluice, limit.after())) {
      cpu.putObject(run.result().name()).put("jvm", run.cpu().jvmSeconds()).put("server", run.cpu().serverSeconds());
    }
    Files.writeString(file, JsonFiles.toText(root), StandardCharsets.UTF_8);
  }

  private static ObjectNode json(String benchmark, long rows, long tableBytes, Limit limit,
      Measurement sourceAlone, Measurement sluice, List<Measurement> peers) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("benchmark", benchmark);
    root.put("date", LocalDate.now().toString());
    root.put("cores", Runtime.getRuntime().availableProcessors());
    root.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    root.put("rows", rows);
    root.put("table_bytes", tableBytes);
    var results = root.putArray("results");
    List<Measurement> all = new java.util.ArrayList<>(List.of(limit.before().result(), sourceAlone, sluice,
        limit.after().result()));
    all.addAll(peers);
    for (Measurement m : all) {
      results.addObject().put("name", m.name()).put("rows", m.rows()).put("bytes", m.bytes())
          .put("seconds", m.seconds()).put("rows_per_second", m.rowsPerSecond())
          .put("peak_heap_bytes", m.peakHeapBytes());
    }
    root.put("limit_rows_per_second", limit.rowsPerSecond());
    root.put("limit_spread", limit.spread());
    root.put("ratio_sluice_limit", sluice.rowsPerSecond() / limit.rowsPerSecond());
    root.put("ratio_source_alone_limit", sourceAlone.rowsPerSecond() / limit.rowsPerSecond());
    var ratios = root.putObject("ratio_sluice_peer");
    for (Measurement peer : peers) {
      ratios.put(peer.name(), sluice.rowsPerSecond() / peer.rowsPerSecond());
    }
    root.put("peak_rss_bytes", PeakMemorySampler.peakResidentBytes());
    return root;
  }
}
