//! cargo stubaudit (work in progress).
