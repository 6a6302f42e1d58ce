package io.sluice.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sluice-bench}: benchmark commands. Each measures Sluice against the limit in the same run. */
@Command(name = "sluice-bench", mixinStandardHelpOptions = true,
    description = "Measures Sluice's speed and memory against the machine's limit, in one run.",
    subcommands = {FullLoadBenchmark.class, MySqlFullLoadBenchmark.class, EncodeBenchmark.class, CdcBenchmark.class, MySqlCdcBenchmark.class, CdcLagBenchmark.class, io.sluice.bench.chaos.ChaosCommand.class})
public final class BenchMain {
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }
}
