"""资源挂接：database tables, APIs and files attached to catalog items; 反编目 from live schemas; drift checks."""
