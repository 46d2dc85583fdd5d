"""pdp-nav: a navigator of the dispositifs of prévention de la désinsertion professionnelle."""

__version__ = "0.1.0"
