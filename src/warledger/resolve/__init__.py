"""resolve: the gazetteer (places), later the actor registry and dates."""
