package io.sluice.engine.sync;

import io.sluice.spi.CheckResult;
import io.sluice.spi.Destination;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteRequest;

/** Wraps a destination and runs {@code mutation} once, when the first writer opens: "changes during the load". */
final class DestinationMutatingOnFirstOpen implements Destination {
  private final Destination inner;
  private Runnable mutation;

  DestinationMutatingOnFirstOpen(Destination inner, Runnable mutation) {
    this.inner = inner;
    this.mutation = mutation;
  }

  @Override
  public CheckResult check() {
    return inner.check();
  }

  @Override
  public synchronized StreamWriter openStream(WriteRequest request) {
    if (mutation != null) {
      mutation.run();
      mutation = null;
    }
    return inner.openStream(request);
  }

  @Override
  public void close() {}
}
