package io.sluice.spi;

/** What a {@link ChangeEvent} does to the row with its key. */
public enum Operation {
  INSERT,
  UPDATE,
  DELETE
}
