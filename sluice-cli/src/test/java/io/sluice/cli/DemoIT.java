package io.sluice.cli;

import io.sluice.testkit.IcebergReadBack;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, smaller: the demo must run end to end and find every table equal. */
class DemoIT {
  @TempDir Path directory;

  @Test
  void demoLoadsEveryTableAndFindsThemEqual() throws Exception {
    Path warehouse = directory.resolve("demo-warehouse");
    CliRun run = CliRun.of("demo", "--rows", "20000", "--warehouse", warehouse.toString());
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out()).contains("Sync finished: 3 stream(s) ok, 0 failed");
    assertThat(run.out()).containsPattern("demo\\.trips\\s+source\\s+20,000\\s+committed\\s+20,000\\s+equal");
    assertThat(run.out()).containsPattern("demo\\.customers\\s+source\\s+10,000\\s+committed\\s+10,000\\s+equal");
    assertThat(run.out()).containsPattern("demo\\.events\\s+source\\s+50,000\\s+committed\\s+50,000\\s+equal");
    try (IcebergReadBack iceberg = new IcebergReadBack(warehouse)) {
      assertThat(iceberg.rows("demo", "trips")).hasSize(20_000);
      assertThat(iceberg.rows("demo", "events")).hasSize(50_000);
    }
  }
}
