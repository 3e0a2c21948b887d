#include "core/store/case_store.h"
