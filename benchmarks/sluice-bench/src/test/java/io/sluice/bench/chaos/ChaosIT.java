package io.sluice.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short, seeded variant of {@code sluice-bench chaos} that runs with the tests: a CDC sync killed, cut off
 * from the server and starved of its catalog at random moments under a workload; after each fault the Iceberg
 * table equals the source. The seed is chosen so every fault kind occurs. MariaDB runs a few trials too.
 */
class ChaosIT {
  @TempDir Path directory;

  @Test
  void everyTrialEndsWithTheDestinationEqualToTheSource() throws Exception {
    ChaosCommand chaos = new ChaosCommand();
    chaos.trials = 4;
    chaos.seed = 1;
    chaos.rows = 10_000;
    chaos.maxDelayMs = 5_000;
    chaos.workDir = directory;
    List<ChaosCommand.Trial> trials = chaos.run();
    assertThat(trials).extracting(ChaosCommand.Trial::fault).as("the seed covers every fault")
        .contains(Fault.values());
    for (ChaosCommand.Trial trial : trials) {
      assertThat(trial.equal()).as("trial %d (%s %s): %s", trial.number(), trial.fault(), trial.phase(),
          trial.differences()).isTrue();
      assertThat(trial.rows()).isGreaterThan(5_000);
    }
  }

  @Test
  void mariaDbTrialsEndWithTheDestinationEqualToTheSource() throws Exception {
    ChaosCommand chaos = new ChaosCommand();
    chaos.source = "mariadb";
    chaos.trials = 3;
    chaos.seed = 43;
    chaos.rows = 10_000;
    chaos.maxDelayMs = 5_000;
    chaos.workDir = directory;
    List<ChaosCommand.Trial> trials = chaos.run();
    assertThat(trials).extracting(ChaosCommand.Trial::fault).as("the seed covers every fault")
        .contains(Fault.values());
    for (ChaosCommand.Trial trial : trials) {
      assertThat(trial.equal()).as("trial %d (%s %s): %s", trial.number(), trial.fault(), trial.phase(),
          trial.differences()).isTrue();
      assertThat(trial.rows()).isGreaterThan(5_000);
    }
  }
}
