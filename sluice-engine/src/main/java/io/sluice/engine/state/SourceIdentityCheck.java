package io.sluice.engine.state;

import io.sluice.spi.ConfigException;

/**
 * Refuses a state file written for another source: its positions (cursors, log positions, chunk plans) would be
 * applied to a database they say nothing about. A state file without a recorded source takes the current one.
 */
public final class SourceIdentityCheck {
  private SourceIdentityCheck() {}

  /**
   * Records {@code identity} in a state file that has none, or checks it against the recorded one.
   *
   * @throws ConfigException naming the state file and both sources when they differ
   */
  public static void apply(StateStore state, String identity, String stateFile) {
    if (identity.isEmpty()) {
      return;
    }
    var recorded = state.current().source();
    if (recorded.isEmpty()) {
      state.updateAll(current -> current.withSource(identity));
    } else if (!recorded.get().equals(identity)) {
      throw new ConfigException("source", "Cannot use state file " + stateFile + ": it was written for source "
          + recorded.get() + ", and this sync's source is " + identity + "; use that source's state file or a new "
          + "one (if it is the same database under another address, change 'source' in the state file)");
    }
  }
}
