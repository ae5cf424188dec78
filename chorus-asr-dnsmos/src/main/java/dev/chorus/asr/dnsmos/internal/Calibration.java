package dev.chorus.asr.dnsmos.internal;

/**
 * DNSMOS P.835's mapping of the model's raw scores to the MOS scale: a polynomial per score, fitted by its authors
 * to listening tests (quadratic for DNSMOS, cubic for personalized DNSMOS), applied to each segment before the
 * segments are averaged.
 */
enum Calibration {

    /** {@code DNSMOS/sig_bak_ovr.onnx}. */
    DNSMOS(new double[] {-0.08397278, 1.22083953, 0.0052439},
            new double[] {-0.13166888, 1.60915514, -0.39604546},
            new double[] {-0.06766283, 1.11546468, 0.04602535}),
    /** {@code pDNSMOS/sig_bak_ovr.onnx}: personalized, which also counts interfering talkers as background. */
    PERSONALIZED(new double[] {-0.01019296, 0.02751166, 1.19576786, -0.24348726},
            new double[] {-0.04976499, 0.44276479, -0.1644611, 0.96883132},
            new double[] {-0.00533021, 0.005101, 1.18058466, -0.11236046});

    private final double[] sig;
    private final double[] bak;
    private final double[] ovr;

    /** Coefficients from the highest power down, as numpy's {@code poly1d} takes them. */
    Calibration(double[] sig, double[] bak, double[] ovr) {
        this.sig = sig;
        this.bak = bak;
        this.ovr = ovr;
    }

    double signal(double raw) {
        return evaluate(sig, raw);
    }

    double background(double raw) {
        return evaluate(bak, raw);
    }

    double overall(double raw) {
        return evaluate(ovr, raw);
    }

    /** Horner's rule over coefficients from the highest power down. */
    static double evaluate(double[] coefficients, double x) {
        double y = 0;
        for (double c : coefficients) {
            y = y * x + c;
        }
        return y;
    }
}
