# One INTERFACE target carries the language level, warnings and Qt defines; every target links it.
add_library(ssehub_common INTERFACE)
target_compile_features(ssehub_common INTERFACE cxx_std_20)
target_compile_options(ssehub_common INTERFACE -Wall -Wextra -Wpedantic -Wno-gnu-zero-variadic-macro-arguments)
target_compile_definitions(ssehub_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_FOREACH
    QT_NO_KEYWORDS
    SSEHUB_VERSION="${PROJECT_VERSION}")
option(SSEHUB_WERROR "Treat compiler warnings as errors (the test script turns it on)" OFF)
if(SSEHUB_WERROR)
    target_compile_options(ssehub_common INTERFACE -Werror)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(ssehub_common INTERFACE -Wno-pedantic)
endif()

# Walks a target's link closure and fails the configure step when Qt Gui or Widgets shows up.
function(_ssehub_collect_links target out_var)
    set(seen ${${out_var}})
    if(NOT TARGET ${target} OR ${target} IN_LIST seen)
        set(${out_var} ${seen} PARENT_SCOPE)
        return()
    endif()
    list(APPEND seen ${target})
    get_target_property(aliased ${target} ALIASED_TARGET)
    if(aliased)
        _ssehub_collect_links(${aliased} seen)
    endif()
    foreach(prop LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
        get_target_property(libs ${target} ${prop})
        if(libs)
            foreach(lib IN LISTS libs)
                string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" lib "${lib}")
                if(TARGET ${lib})
                    _ssehub_collect_links(${lib} seen)
                endif()
            endforeach()
        endif()
    endforeach()
    set(${out_var} ${seen} PARENT_SCOPE)
endfunction()

function(ssehub_assert_no_gui target)
    set(closure "")
    _ssehub_collect_links(${target} closure)
    foreach(forbidden Qt6::Gui Qt6::Widgets Qt6::GuiPrivate Qt6::Charts Qt::Gui Qt::Widgets)
        if(${forbidden} IN_LIST closure)
            message(FATAL_ERROR "${target} links ${forbidden}: the engine library must stay free of Gui/Widgets")
        endif()
    endforeach()
endfunction()
