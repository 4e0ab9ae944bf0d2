# One INTERFACE target carries the project's compile options; every target links it PRIVATE.
add_library(elevate_options INTERFACE)

target_compile_options(elevate_options INTERFACE
    -Wall -Wextra -Wpedantic
    -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wformat=2 -Wimplicit-fallthrough
    $<$<CXX_COMPILER_ID:GNU>:-Wduplicated-cond -Wlogical-op>
    -fstack-protector-strong -fstack-clash-protection
    $<$<STREQUAL:${CMAKE_SYSTEM_PROCESSOR},x86_64>:-fcf-protection>)

if(ELEVATE_WERROR)
    target_compile_options(elevate_options INTERFACE -Werror)
endif()

target_compile_definitions(elevate_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_USE_QSTRINGBUILDER
    QT_STRICT_ITERATORS
    _GLIBCXX_ASSERTIONS)

target_link_options(elevate_options INTERFACE -Wl,-z,relro -Wl,-z,now -Wl,--as-needed)

if(ELEVATE_SANITIZE)
    string(REPLACE "," ";" _elevate_sanitizers "${ELEVATE_SANITIZE}")
    list(JOIN _elevate_sanitizers "," _elevate_sanitize_flag)
    target_compile_options(elevate_options INTERFACE
        -fsanitize=${_elevate_sanitize_flag} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(elevate_options INTERFACE -fsanitize=${_elevate_sanitize_flag})
else()
    # _FORTIFY_SOURCE needs optimisation and gets in the sanitizers' way.
    target_compile_definitions(elevate_options INTERFACE
        $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
endif()

# One helper registers a test executable: offscreen Qt, UTC, a UTF-8 locale and a label.
# elevate_add_test(Name SOURCES ... [LIBRARIES ...] [LABEL l] [TIMEOUT s] [KEYRING] [POSTGRES])
# KEYRING runs it in its own D-Bus session with an unlocked gnome-keyring (a real Secret
# Service for QtKeychain), its keyrings in a fresh folder under the build tree.
# POSTGRES also registers Name_pg: the same executable on a fresh database of the throw-away
# PostgreSQL cluster that the PgCluster fixture starts (tests/support/TestDatabase.h).
function(elevate_add_test name)
    cmake_parse_arguments(ARG "KEYRING;POSTGRES" "LABEL;TIMEOUT" "SOURCES;LIBRARIES" ${ARGN})
    if(NOT ARG_LABEL)
        set(ARG_LABEL unit)
    endif()
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE elevate_options Qt6::Test ${ARG_LIBRARIES})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
    set(_env "QT_QPA_PLATFORM=offscreen;TZ=UTC;LANG=C.UTF-8;LC_ALL=C.UTF-8;ASAN_OPTIONS=detect_leaks=1:abort_on_error=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
    if(ARG_KEYRING)
        set(_keyring_dir "${CMAKE_CURRENT_BINARY_DIR}/keyring-${name}")
        add_test(NAME ${name} COMMAND dbus-run-session -- sh -c
            "rm -rf \"$1\" && mkdir -p \"$1\" && export XDG_DATA_HOME=\"$1\" && echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec \"$0\""
            $<TARGET_FILE:${name}> ${_keyring_dir})
    else()
        add_test(NAME ${name} COMMAND ${name})
    endif()
    set_tests_properties(${name} PROPERTIES
        LABELS "${ARG_LABEL}"
        TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "${_env}")
    if(ARG_POSTGRES)
        add_test(NAME ${name}_pg COMMAND ${name})
        set_tests_properties(${name}_pg PROPERTIES
            LABELS "${ARG_LABEL};postgres"
            TIMEOUT ${ARG_TIMEOUT}
            FIXTURES_REQUIRED PgCluster
            ENVIRONMENT "${_env};ELEVATE_TEST_PG_DIR=${ELEVATE_PG_TEST_DIR}")
    endif()
endfunction()
