/** The {@code dnsmos} quality predictor: a predicted mean opinion score from a DNSMOS P.835 model. */
package dev.chorus.asr.dnsmos;
