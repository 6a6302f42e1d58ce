package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The full-load and encode commands run end to end on small tables and report what they measured: every row loaded,
 * a limit, Sluice, ratios, CPU. A check of the harness, not of speed (speed is never asserted in a test).
 */
class FullLoadBenchmarkIT {
  @Test
  void fullLoadMeasuresTheLimitAndSluiceOnEachTableAndWritesJson(@TempDir Path directory) throws Exception {
    for (String table : new String[] {"trips", "narrow", "all-types"}) {
      Path json = directory.resolve(table + ".json");
      int exit = new CommandLine(new BenchMain()).execute("full-load", "--rows", "3000", "--table", table,
          "--no-peer", "--work-dir", directory.resolve(table).toString(), "--json", json.toString());
      assertThat(exit).as(table).isZero();
      JsonNode results = new ObjectMapper().readTree(json.toFile());
      assertThat(results.get("benchmark").asText()).isEqualTo("full-load " + table);
      assertThat(results.get("rows").asLong()).isEqualTo(3000);
      // the limit before Sluice, Sluice's source alone, Sluice, the limit again after it
      assertThat(results.get("results")).extracting(result -> result.get("name").asText()).containsExactly(
          "limit (binary COPY, discarded)", "sluice source alone (rows discarded)", "sluice (full load into Iceberg)",
          "limit again, after Sluice");
      for (JsonNode result : results.get("results")) {
        assertThat(result.get("rows").asLong()).as(result.get("name").asText()).isEqualTo(3000);
        assertThat(result.get("rows_per_second").asDouble()).isPositive();
      }
      double limitBefore = results.get("results").get(0).get("rows_per_second").asDouble();
      double sourceAlone = results.get("results").get(1).get("rows_per_second").asDouble();
      double sluice = results.get("results").get(2).get("rows_per_second").asDouble();
      double limitAfter = results.get("results").get(3).get("rows_per_second").asDouble();
      assertThat(results.get("ratio_source_alone_limit").asDouble()).isCloseTo(
          sourceAlone / ((limitBefore + limitAfter) / 2), org.assertj.core.data.Percentage.withPercentage(0.001));
      assertThat(results.get("limit_rows_per_second").asDouble())
          .isCloseTo((limitBefore + limitAfter) / 2, org.assertj.core.data.Percentage.withPercentage(0.001));
      assertThat(results.get("ratio_sluice_limit").asDouble())
          .isCloseTo(sluice / ((limitBefore + limitAfter) / 2), org.assertj.core.data.Percentage.withPercentage(0.001));
      assertThat(results.get("cpu_seconds").get("sluice (full load into Iceberg)").get("jvm").asDouble())
          .isPositive();
    }
  }

  @Test
  void anUnknownTableIsRefusedNamingTheChoices() {
    CommandLine command = new CommandLine(new BenchMain());
    java.io.StringWriter errors = new java.io.StringWriter();
    command.setErr(new java.io.PrintWriter(errors));
    assertThat(command.execute("full-load", "--table", "wide")).isEqualTo(2);
    assertThat(errors.toString()).contains("unknown table 'wide': expected trips, narrow or all-types");
  }

  @Test
  void encodeWritesTheHeldRowsOnOneThread(@TempDir Path directory) {
    int exit = new CommandLine(new BenchMain()).execute("encode", "--rows", "2000", "--repeat", "2",
        "--work-dir", directory.toString());
    assertThat(exit).isZero();
  }
}
