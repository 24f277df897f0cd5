"""Live sessions: lifecycle, join codes and QR, the /live namespace, console, screen, phone."""
