"""一数一源：data collected by more than one organisation, and the designated source."""
