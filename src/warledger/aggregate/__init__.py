"""aggregate: events of many documents → incidents with a combined estimate and status."""
from .incidents import (
           EventRecord,
           Incident,
           build_incidents,
           combined_estimate,
           combined_status,
           same_occurrence,
)
from .runner import rebuild, tally_series, update

__all__ = ["EventRecord", "Incident", "build_incidents", "combined_estimate", "combined_status", "rebuild", "tally_series", "update",
           "same_occurrence"]
