package io.sluice.spi;

import java.util.List;

/** The outcome of {@code check}: every probe that ran, passed or failed. */
public record CheckResult(List<Probe> probes) {

  /**
   * One probe.
   *
   * @param name what was probed, e.g. {@code connect}, {@code select privilege on public.orders}
   * @param passed whether it passed
   * @param message on failure, what is wrong and how to fix it; on success, what was found. Never a secret.
   */
  public record Probe(String name, boolean passed, String message) {
    public static Probe pass(String name, String message) {
      return new Probe(name, true, message);
    }

    public static Probe fail(String name, String message) {
      return new Probe(name, false, message);
    }
  }

  public CheckResult {
    probes = List.copyOf(probes);
  }

  public boolean passed() {
    return probes.stream().allMatch(Probe::passed);
  }
}
