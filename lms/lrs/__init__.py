"""The LRS's HTTP binding at /xapi/, its credentials, forwarding and the platform's own client."""
