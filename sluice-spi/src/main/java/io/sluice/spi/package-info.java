/**
 * The Sluice connector SPI: the only module a connector depends on.
 *
 * <p>A source is found through {@link java.util.ServiceLoader} as a {@link io.sluice.spi.SourceFactory},
 * a destination as a {@link io.sluice.spi.DestinationFactory}. The engine validates a connector's JSON
 * config against the connector's {@link io.sluice.spi.config.ConfigSpec} (types, ranges, required and
 * unknown keys, defaults, {@code ${ENV}} references) before calling {@code create}, so connectors map an
 * already-valid tree into their own immutable config record.
 *
 * <p>Rows travel as {@code Object[]} in the order of the stream's selected columns; the Java class of each
 * value is fixed by its {@link io.sluice.spi.DataType.Kind}. This keeps the hot path free of maps and
 * reflection.
 */
package io.sluice.spi;
