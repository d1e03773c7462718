"""Every write icsat makes: one function per state change."""
